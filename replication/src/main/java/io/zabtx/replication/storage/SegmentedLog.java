package io.zabtx.replication.storage;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Zxid;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The log of one history directory: segment files in zxid order, appended to at the newest.
 *
 * <p>Invariants: only the newest segment may hold records that are not durable (a segment is
 * fsynced before the next is created); every segment holds at least one record; zxids strictly
 * increase across all of them; and above the newest snapshot each segment's header names the last
 * zxid of the segment before it, so a missing segment is detected. Below the snapshot that chain
 * may have holes, left by a compaction that a crash interrupted.
 *
 * <p>Not thread-safe, with one helper thread of its own: once the newest segment is an eighth full,
 * the next segment's file is zero-filled and fsynced in the background ({@code spare-*.tmp},
 * deleted by recovery if a crash leaves it), so a roll costs a header write and a rename instead of
 * stopping the log for the tens of milliseconds a 64 MiB pre-allocation takes.
 */
final class SegmentedLog {

  private static final System.Logger LOG = System.getLogger(SegmentedLog.class.getName());

  private final Path dir;
  private final StorageOptions options;
  private final Fsyncs fsyncs;
  private final ArrayList<LogSegment> segments = new ArrayList<>();

  /**
   * Makes the next segment's file ahead of time (see {@link LogSegment#prepareSpare}). Its fsyncs
   * are not in the storage's counters: background work must not change what a caller reads between
   * two of its own calls.
   */
  private final Fsyncs spareFsyncs;

  private ExecutorService spareMaker;
  private Future<Path> spare;

  private SegmentedLog(Path dir, StorageOptions options, Fsyncs fsyncs) {
    this.dir = dir;
    this.options = options;
    this.fsyncs = fsyncs;
    this.spareFsyncs = new Fsyncs(options.fsync());
  }

  /** A log with no segments in {@code dir}. */
  static SegmentedLog createEmpty(Path dir, StorageOptions options, Fsyncs fsyncs) {
    return new SegmentedLog(dir, options, fsyncs);
  }

  /**
   * Reads and validates every segment in {@code dir}, adds the entries above {@code snapshotZxid}
   * to {@code out}, then repairs what a crash legitimately leaves: a torn tail is cut and an
   * emptied newest segment removed, each logged at WARN.
   *
   * @throws StorageCorruptedException if anything else is wrong
   */
  static SegmentedLog recover(
      Path dir, StorageOptions options, Fsyncs fsyncs, long snapshotZxid, List<Entry> out)
      throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (var stream = Files.newDirectoryStream(dir, "log-*")) {
      for (Path p : stream) {
        long zxid = LogSegment.parseFileName(p.getFileName().toString());
        if (zxid >= 0) {
          files.put(zxid, p);
        }
      }
    }
    SegmentedLog log = new SegmentedLog(dir, options, fsyncs);
    try {
      SegmentReader.Result newest = null;
      for (var f : files.entrySet()) {
        boolean isNewest = f.getKey().equals(files.lastKey());
        SegmentReader.Result r =
            SegmentReader.read(f.getValue(), f.getKey(), isNewest, snapshotZxid, out);
        log.segments.add(r.segment());
        newest = r;
      }
      log.checkChain(snapshotZxid);
      if (newest != null) {
        log.repairNewest(newest);
      }
      return log;
    } catch (IOException | RuntimeException | Error e) {
      log.closeQuietly();
      throw e;
    }
  }

  private void checkChain(long snapshotZxid) throws StorageCorruptedException {
    for (int i = 0; i < segments.size(); i++) {
      LogSegment s = segments.get(i);
      if (s.isEmpty()) {
        continue; // only the newest can be empty, and it is removed
      }
      if (i == 0) {
        if (s.prevZxid() > snapshotZxid) {
          throw new StorageCorruptedException(
              s.path(),
              LogSegment.PREV_ZXID_OFFSET,
              "the log does not reach back to the newest snapshot ("
                  + Zxid.format(snapshotZxid)
                  + "): its first segment follows entry "
                  + Zxid.format(s.prevZxid())
                  + ", so the entries in between are missing");
        }
        continue;
      }
      LogSegment before = segments.get(i - 1);
      if (s.firstZxid() <= before.lastZxid() || s.prevZxid() < before.lastZxid()) {
        throw new StorageCorruptedException(
            s.path(),
            LogSegment.PREV_ZXID_OFFSET,
            "this segment (previous zxid "
                + Zxid.format(s.prevZxid())
                + ", first "
                + Zxid.format(s.firstZxid())
                + ") does not follow "
                + before.path().getFileName()
                + ", which ends at "
                + Zxid.format(before.lastZxid())
                + ": zxids must strictly increase across segments");
      }
      if (s.prevZxid() > snapshotZxid && s.prevZxid() != before.lastZxid()) {
        throw new StorageCorruptedException(
            s.path(),
            LogSegment.PREV_ZXID_OFFSET,
            "this segment follows entry "
                + Zxid.format(s.prevZxid())
                + " but the segment before it, "
                + before.path().getFileName()
                + ", ends at "
                + Zxid.format(before.lastZxid())
                + ": a segment is missing");
      }
    }
  }

  private void repairNewest(SegmentReader.Result newest) throws IOException {
    LogSegment s = newest.segment();
    if (newest.tornTail()) {
      LOG.log(
          Level.WARNING,
          "Cutting a torn tail off {0} at offset {1}: {2} bytes after the last valid record"
              + " ({3}), left by a crash during an unsynced write",
          s.path(),
          s.end(),
          newest.tornBytes(),
          Zxid.format(s.lastZxid()));
      s.cutTornTail(fsyncs);
    }
    if (s.isEmpty()) {
      LOG.log(
          Level.WARNING,
          "Removing {0}: the newest segment holds no complete record (a crash right after it"
              + " was created)",
          s.path());
      segments.remove(segments.size() - 1);
      s.close();
      Files.delete(s.path());
      fsyncs.forceDirectory(dir);
    }
  }

  /** The zxid of the last record, or -1 if the log holds none. */
  long lastZxid() {
    return segments.isEmpty() ? -1 : newest().lastZxid();
  }

  int segmentCount() {
    return segments.size();
  }

  /** Bytes the segment files take (their pre-allocated size). */
  long bytes() {
    long total = 0;
    for (LogSegment s : segments) {
      total += s.capacity();
    }
    return total;
  }

  /**
   * Appends {@code e}, rolling to a new segment when it does not fit; {@code historyLastZxid} is
   * the history's last zxid before {@code e} (the snapshot's when the log is empty).
   */
  void append(Entry e, long historyLastZxid) throws IOException {
    int recordBytes = RecordCodec.recordBytes(e.data().length);
    LogSegment current = segments.isEmpty() ? null : newest();
    if (current == null || !current.fits(recordBytes)) {
      if (current != null) {
        // Keeps a torn tail possible only in the newest segment (see class comment).
        current.force(fsyncs);
        current.seal();
      }
      long capacity =
          Math.max(options.segmentBytes(), (long) LogSegment.HEADER_BYTES + recordBytes);
      Path ready = capacity == options.segmentBytes() ? takeSpare() : null;
      current =
          ready != null
              ? LogSegment.createFromSpare(dir, ready, historyLastZxid, e.zxid(), capacity, fsyncs)
              : LogSegment.create(dir, historyLastZxid, e.zxid(), capacity, fsyncs);
      segments.add(current);
    }
    current.append(e.zxid(), e.data());
    if (spare == null && current.end() > current.capacity() / 8) {
      prepareSpare();
    }
  }

  /** Starts making the next segment's file in the background. */
  private void prepareSpare() {
    if (spareMaker == null) {
      spareMaker =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "zab-log-preallocator");
                t.setDaemon(true);
                return t;
              });
    }
    long capacity = options.segmentBytes();
    spare = spareMaker.submit(() -> LogSegment.prepareSpare(dir, capacity, spareFsyncs));
  }

  /** The spare file, waiting for it if it is still being written; null if there is none. */
  private Path takeSpare() {
    Future<Path> f = spare;
    spare = null;
    if (f == null) {
      return null;
    }
    try {
      return f.get();
    } catch (ExecutionException ex) {
      LOG.log(
          Level.WARNING,
          "pre-allocating the next log segment in " + dir + " failed; creating it in line",
          ex.getCause());
      return null;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Stops the background pre-allocation; with {@code delete} also removes its file (otherwise, as
   * after a crash, recovery does).
   */
  private void stopSpare(boolean delete) {
    if (spareMaker == null) {
      return;
    }
    spareMaker.shutdownNow();
    try {
      spareMaker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Future<Path> f = spare;
    spare = null;
    if (delete && f != null && f.isDone() && !f.isCancelled()) {
      try {
        Files.deleteIfExists(f.get());
      } catch (ExecutionException | InterruptedException | IOException e) {
        // Nothing to delete, or recovery deletes it (it is a temp file).
      }
    }
  }

  boolean hasUnforced() {
    return !segments.isEmpty() && newest().hasUnforced();
  }

  /**
   * First half of a group commit that another thread finishes: hands the newest segment's buffered
   * appends to the OS and returns that segment (null if there is none). Older segments were forced
   * when the log rolled past them.
   */
  LogSegment flushNewest() throws IOException {
    if (segments.isEmpty()) {
      return null;
    }
    LogSegment s = newest();
    s.flush();
    return s;
  }

  /** The group commit: one fdatasync of the newest segment makes every append durable. */
  void force() throws IOException {
    if (!segments.isEmpty()) {
      newest().force(fsyncs);
    }
  }

  /**
   * Drops every record above {@code zxid}, durably. Whole segments go first, newest first, each
   * deletion made durable before the next, so a crash leaves a prefix of the old log and never a
   * hole in it.
   */
  void truncateAfter(long zxid) throws IOException {
    while (!segments.isEmpty() && newest().firstZxid() > zxid) {
      LogSegment s = segments.remove(segments.size() - 1);
      s.close();
      Files.delete(s.path());
      fsyncs.forceDirectory(dir);
    }
    if (!segments.isEmpty() && newest().lastZxid() > zxid) {
      newest().truncateAfter(zxid, fsyncs);
    }
  }

  /**
   * Deletes the segments whose records are all at or below {@code snapshotZxid}, except the newest,
   * which keeps taking appends. A crash part-way leaves holes below the snapshot, which recovery
   * accepts.
   */
  int compactThrough(long snapshotZxid) throws IOException {
    int deleted = 0;
    while (segments.size() > 1 && segments.get(0).lastZxid() <= snapshotZxid) {
      LogSegment s = segments.remove(0);
      s.close();
      Files.delete(s.path());
      deleted++;
    }
    if (deleted > 0) {
      fsyncs.forceDirectory(dir);
    }
    return deleted;
  }

  /**
   * True when the log provably holds every entry of the history in {@code (base, upTo]}: some
   * segment starts at or below {@code base}, and from there on the segments chain without a hole.
   */
  boolean holdsEverythingBetween(long base, long upTo) {
    int from = -1;
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i).prevZxid() <= base) {
        from = i;
      }
    }
    if (from < 0) {
      return false;
    }
    for (int j = from + 1; j < segments.size() && segments.get(j).firstZxid() <= upTo; j++) {
      if (segments.get(j).prevZxid() != segments.get(j - 1).lastZxid()) {
        return false;
      }
    }
    return true;
  }

  /** Closes every segment without flushing; the caller forces first if it wants durability. */
  void close() throws IOException {
    stopSpare(true);
    closeSegments();
  }

  private void closeSegments() throws IOException {
    IOException first = null;
    for (LogSegment s : segments) {
      try {
        s.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Closes as a crash would: no flush, and a pre-allocated spare stays for recovery to delete. */
  void closeQuietly() {
    stopSpare(false);
    try {
      closeSegments();
    } catch (IOException e) {
      // Already failing; the first error is the one to report.
    }
  }

  private LogSegment newest() {
    return segments.get(segments.size() - 1);
  }
}
