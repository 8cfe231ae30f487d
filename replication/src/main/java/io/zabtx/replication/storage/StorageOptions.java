package io.zabtx.replication.storage;

/**
 * Tuning of a {@link ZabStorage}. Immutable; build from {@link #defaults()} with the {@code with…}
 * methods.
 *
 * @param segmentBytes size each log segment file is pre-allocated to; a record that does not fit
 *     starts a new segment, and a record larger than this gets a segment of its own size
 * @param maxEntryBytes largest entry payload accepted; a larger append is refused with {@link
 *     IllegalArgumentException}
 * @param fsync whether to fsync at all; {@code false} gives up durability and exists only for
 *     benchmarks and tests of logic that crashes without losing the page cache
 * @param snapshotsToKeep how many snapshot files (newest first) survive {@link
 *     ZabStorage#saveSnapshot}
 */
public record StorageOptions(
    int segmentBytes, int maxEntryBytes, boolean fsync, int snapshotsToKeep) {

  /** 64 MiB: few files, and a roll (which costs three fsyncs) is rare. */
  public static final int DEFAULT_SEGMENT_BYTES = 64 << 20;

  /** 16 MiB: the largest entry a proposal batch is expected to need. */
  public static final int DEFAULT_MAX_ENTRY_BYTES = 16 << 20;

  /** Smallest segment accepted: a header and a few records. */
  public static final int MIN_SEGMENT_BYTES = 1024;

  /** Largest segment size accepted. */
  public static final int MAX_SEGMENT_BYTES = 1 << 30;

  /** Largest entry limit accepted: a record and its segment must stay addressable by an int. */
  public static final int MAX_ENTRY_BYTES = 1 << 30;

  /** Validates the values. */
  public StorageOptions {
    if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException(
          "segmentBytes must be between "
              + MIN_SEGMENT_BYTES
              + " and "
              + MAX_SEGMENT_BYTES
              + ", was "
              + segmentBytes);
    }
    if (maxEntryBytes < 0 || maxEntryBytes > MAX_ENTRY_BYTES) {
      throw new IllegalArgumentException(
          "maxEntryBytes must be between 0 and " + MAX_ENTRY_BYTES + ", was " + maxEntryBytes);
    }
    if (snapshotsToKeep < 1) {
      throw new IllegalArgumentException(
          "snapshotsToKeep must be at least 1, was " + snapshotsToKeep);
    }
  }

  /** 64 MiB segments, 16 MiB entries, fsync on, two snapshots kept. */
  public static StorageOptions defaults() {
    return new StorageOptions(DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_ENTRY_BYTES, true, 2);
  }

  /** These options with another segment size. */
  public StorageOptions withSegmentBytes(int bytes) {
    return new StorageOptions(bytes, maxEntryBytes, fsync, snapshotsToKeep);
  }

  /** These options with another entry size limit. */
  public StorageOptions withMaxEntryBytes(int bytes) {
    return new StorageOptions(segmentBytes, bytes, fsync, snapshotsToKeep);
  }

  /** These options with fsync switched on or off (off only for benchmarks). */
  public StorageOptions withFsync(boolean on) {
    return new StorageOptions(segmentBytes, maxEntryBytes, on, snapshotsToKeep);
  }

  /** These options keeping another number of snapshot files. */
  public StorageOptions withSnapshotsToKeep(int count) {
    return new StorageOptions(segmentBytes, maxEntryBytes, fsync, count);
  }
}
