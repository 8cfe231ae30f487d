package io.zabtx.replication.core;

import java.util.Arrays;

/**
 * One entry of the replicated log: a zxid and the opaque bytes the application proposed.
 *
 * <p>The byte array is owned by the entry once created and must not be modified by anyone.
 *
 * @param zxid the entry's raw zxid
 * @param data the application payload
 */
public record Entry(long zxid, byte[] data) {

  /** Rejects a missing payload. */
  public Entry {
    java.util.Objects.requireNonNull(data, "data");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e && e.zxid == zxid && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(zxid) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Entry[" + Zxid.format(zxid) + ", " + data.length + "B]";
  }
}
