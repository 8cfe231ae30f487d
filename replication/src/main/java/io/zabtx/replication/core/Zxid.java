package io.zabtx.replication.core;

/**
 * A ZAB transaction id: {@code epoch << 32 | counter}. Zxids order the whole replicated history:
 * every entry proposed in a later epoch sorts after every entry of an earlier one, and within an
 * epoch the leader's counter orders its proposals.
 *
 * <p>The core works with the raw {@code long} for speed; this record is the value handed to users
 * of the public API. Counter 0 of an epoch is never used by an entry, so {@code Zxid.of(e, 0)} is
 * the position "before the first entry of epoch e".
 *
 * @param value the raw 64-bit zxid
 */
public record Zxid(long value) implements Comparable<Zxid> {

  /** The zxid before any entry. */
  public static final long ZERO = 0L;

  /** The largest epoch a zxid can hold. */
  public static final long MAX_EPOCH = 0x7FFF_FFFFL;

  /** The largest counter a zxid can hold; reaching it forces a new epoch. */
  public static final long MAX_COUNTER = 0xFFFF_FFFFL;

  /** Builds a zxid from its epoch and counter. */
  public static long make(long epoch, long counter) {
    if (epoch < 0 || epoch > MAX_EPOCH || counter < 0 || counter > MAX_COUNTER) {
      throw new IllegalArgumentException(
          "zxid out of range: epoch=" + epoch + " counter=" + counter);
    }
    return (epoch << 32) | counter;
  }

  /** The epoch half of a raw zxid. */
  public static long epochOf(long zxid) {
    return zxid >>> 32;
  }

  /** The counter half of a raw zxid. */
  public static long counterOf(long zxid) {
    return zxid & MAX_COUNTER;
  }

  /** Human-readable form {@code 0x<epoch>:<counter>} used in logs and errors. */
  public static String format(long zxid) {
    return Long.toHexString(epochOf(zxid)) + ":" + counterOf(zxid);
  }

  /** The epoch of this zxid. */
  public long epoch() {
    return epochOf(value);
  }

  /** The counter of this zxid within its epoch. */
  public long counter() {
    return counterOf(value);
  }

  @Override
  public int compareTo(Zxid o) {
    return Long.compare(value, o.value);
  }

  @Override
  public String toString() {
    return format(value);
  }
}
