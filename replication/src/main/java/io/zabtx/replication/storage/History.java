package io.zabtx.replication.storage;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Snapshot;
import io.zabtx.replication.core.Zxid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One history generation: the snapshot files and the segmented log of one {@code history-<gen>}
 * directory. The history is the newest snapshot followed by the log entries above it; entries at or
 * below it may linger in the segment that straddles it.
 *
 * <p>The {@code check…} methods refuse invalid changes before anything is touched; the changing
 * methods assume they passed. Not thread-safe.
 */
final class History {

  /** What recovery found. */
  record Recovered(History history, Snapshot snapshot, List<Entry> entries) {}

  private final Path dir;
  private final StorageOptions options;
  private final Fsyncs fsyncs;
  private final SegmentedLog log;

  /** Snapshot files: zxid to file size. */
  private final TreeMap<Long, Long> snapshots = new TreeMap<>();

  private History(Path dir, StorageOptions options, Fsyncs fsyncs, SegmentedLog log) {
    this.dir = dir;
    this.options = options;
    this.fsyncs = fsyncs;
    this.log = log;
  }

  /** An empty history in {@code dir}, for an install to fill. */
  static History createEmpty(Path dir, StorageOptions options, Fsyncs fsyncs) {
    return new History(dir, options, fsyncs, SegmentedLog.createEmpty(dir, options, fsyncs));
  }

  /**
   * Verifies every snapshot file, loads the newest, and recovers the log against it.
   *
   * @throws StorageCorruptedException if a snapshot or the log is damaged or they do not fit
   */
  static Recovered recover(Path dir, StorageOptions options, Fsyncs fsyncs) throws IOException {
    AtomicFiles.deleteTempFiles(dir); // snapshot and segment writes that never reached a rename
    var zxids = SnapshotFiles.list(dir);
    Snapshot newest = Snapshot.EMPTY;
    TreeMap<Long, Long> sizes = new TreeMap<>();
    for (long zxid : zxids) {
      if (zxid == zxids.last()) {
        newest = SnapshotFiles.read(dir, zxid);
      } else {
        SnapshotFiles.verify(dir, zxid);
      }
      sizes.put(zxid, SnapshotFiles.size(dir, zxid));
    }
    List<Entry> entries = new ArrayList<>();
    SegmentedLog log = SegmentedLog.recover(dir, options, fsyncs, newest.zxid(), entries);
    History history = new History(dir, options, fsyncs, log);
    history.snapshots.putAll(sizes);
    return new Recovered(history, newest, entries);
  }

  Path dir() {
    return dir;
  }

  /** The zxid of the newest snapshot, 0 if there is none. */
  long newestSnapshotZxid() {
    return snapshots.isEmpty() ? Zxid.ZERO : snapshots.lastKey();
  }

  /** The last zxid of the history: of the last log entry or of the newest snapshot, 0 if none. */
  long lastZxid() {
    return Math.max(newestSnapshotZxid(), log.lastZxid());
  }

  /** Appends {@code e}, whose zxid the caller checked is above {@link #lastZxid()}. */
  void append(Entry e) throws IOException {
    log.append(e, lastZxid());
  }

  /**
   * Refuses a truncation that would have to remove a snapshot without a log to fall back on: the
   * entries between the next older snapshot (or the initial state) and {@code zxid} must still be
   * in the log.
   */
  void checkTruncate(long zxid) {
    var newer = snapshots.tailMap(zxid, false);
    if (newer.isEmpty()) {
      return;
    }
    Long below = snapshots.floorKey(zxid);
    long base = below == null ? Zxid.ZERO : below;
    if (!log.holdsEverythingBetween(base, zxid)) {
      throw new IllegalStateException(
          "cannot truncate to "
              + Zxid.format(zxid)
              + ": the snapshot at "
              + Zxid.format(newer.lastKey())
              + " is newer and must go, but the log no longer holds the entries between "
              + Zxid.format(base)
              + " and "
              + Zxid.format(zxid)
              + " to fall back on. A snapshot holds only committed state, which the protocol"
              + " never truncates (rule 9)");
    }
  }

  /** Drops every entry and snapshot above {@code zxid}, durably; {@link #checkTruncate} passed. */
  void truncate(long zxid) throws IOException {
    var newer = new ArrayList<>(snapshots.tailMap(zxid, false).descendingKeySet());
    if (!newer.isEmpty()) {
      // Snapshots first, durably: a crash after the log cut must not leave one above it.
      for (long z : newer) {
        Files.deleteIfExists(SnapshotFiles.path(dir, z));
        snapshots.remove(z);
      }
      fsyncs.forceDirectory(dir);
    }
    log.truncateAfter(zxid);
  }

  /** Refuses a snapshot below the newest one or beyond the end of the history. */
  void checkSnapshot(Snapshot s) {
    if (!snapshots.isEmpty() && s.zxid() < snapshots.lastKey()) {
      throw new IllegalArgumentException(
          "snapshot at "
              + Zxid.format(s.zxid())
              + " is older than the newest one, at "
              + Zxid.format(snapshots.lastKey()));
    }
    if (s.zxid() > lastZxid()) {
      throw new IllegalArgumentException(
          "snapshot at "
              + Zxid.format(s.zxid())
              + " is beyond the last zxid "
              + Zxid.format(lastZxid())
              + "; a snapshot may only reflect entries of the history");
    }
  }

  /**
   * Writes {@code s} atomically, then compacts: the segments whose entries are all at or below it
   * (never the newest) and the snapshot files beyond the newest {@code snapshotsToKeep}. The log
   * must be durable first (the caller forces it), so that it never ends below a snapshot.
   */
  void saveSnapshot(Snapshot s) throws IOException {
    writeSnapshotFile(s);
    log.compactThrough(s.zxid());
    boolean deleted = false;
    while (snapshots.size() > options.snapshotsToKeep()) {
      Files.deleteIfExists(SnapshotFiles.path(dir, snapshots.pollFirstEntry().getKey()));
      deleted = true;
    }
    if (deleted) {
      fsyncs.forceDirectory(dir);
    }
  }

  /** Writes the snapshot file alone, atomically (an install's first step). */
  void writeSnapshotFile(Snapshot s) throws IOException {
    snapshots.put(s.zxid(), SnapshotFiles.write(dir, s, fsyncs));
  }

  boolean hasUnforced() {
    return log.hasUnforced();
  }

  /** See {@link SegmentedLog#flushNewest()}. */
  LogSegment flushNewest() throws IOException {
    return log.flushNewest();
  }

  /** Makes every append durable with one fdatasync. */
  void force() throws IOException {
    log.force();
  }

  int segmentCount() {
    return log.segmentCount();
  }

  /** Bytes of segment files (pre-allocated size) and snapshot files. */
  long bytes() {
    long total = log.bytes();
    for (long b : snapshots.values()) {
      total += b;
    }
    return total;
  }

  /** Closes the files without flushing; the caller forces first if it wants durability. */
  void close() throws IOException {
    log.close();
  }

  void closeQuietly() {
    log.closeQuietly();
  }
}
