package io.zabtx.replication.storage;

import io.zabtx.replication.core.DurableState;
import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.PersistOp;
import io.zabtx.replication.core.Snapshot;
import io.zabtx.replication.core.Zxid;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The durable state of one ZAB node: the two epoch files, snapshots of the state machine and a
 * segmented append-only log, in one data directory (DESIGN.md §2.3).
 *
 * <p>A runtime hands every {@link PersistOp} of an {@code Output} to {@link #write}, in order, then
 * calls {@link #sync()} before it sends the messages that must wait for durability. Ops are
 * honoured exactly as {@link PersistOp} documents them:
 *
 * <ul>
 *   <li>{@code Append} is buffered until the next {@link #sync()} (group commit) or an operation
 *       that forces the log: an epoch op, a truncation that cuts, {@link #saveSnapshot}, or a roll
 *       to a new segment (which fsyncs the full one). A crash loses at most a suffix of the
 *       unsynced appends.
 *   <li>{@code Truncate}, {@code InstallSnapshot} and the epoch ops are durable when {@link #write}
 *       returns. A truncation is made durable at once because appends after it overwrite the same
 *       bytes; an install is atomic as a whole; an epoch op first fsyncs every log op before it.
 * </ul>
 *
 * <p>After a crash, nothing synced is lost; an interrupted install leaves the old history or the
 * new one, never a mix (see {@code InstallStep}); an interrupted truncation leaves the snapshots
 * above its target removed and a prefix of the old log that still holds every entry up to it; an
 * interrupted compaction leaves only extra files below the snapshot. A torn log tail is cut off and
 * logged at WARN; anything a crash cannot explain makes {@link #open} throw {@link
 * StorageCorruptedException} rather than drop entries that may have been acknowledged.
 *
 * <p>Directory fsyncs assume a POSIX file system (Linux, macOS).
 *
 * <p><b>Threading.</b> Not thread-safe: one instance belongs to the node's event loop, and every
 * method (including {@link #stats()}) is called from that thread, except {@link
 * PendingSync#await()}, which any thread may call while the loop goes on writing. The runtime
 * copies {@link #stats()} into its metrics.
 *
 * <p><b>Blocking.</b> {@link #open}, {@link #write}, {@link #sync}, {@link #saveSnapshot} and
 * {@link #close} do file I/O and may block on fsync.
 *
 * <p><b>Failures.</b> Invalid input (a zxid that does not increase, an entry over {@link
 * StorageOptions#maxEntryBytes()}, an epoch order the protocol never produces) is refused with
 * {@link IllegalArgumentException} or {@link IllegalStateException} before anything changes. An
 * {@link IOException} during a write means the disk's state is unknown (after a failed fsync the
 * page cache cannot be trusted), so the instance is then failed: every later call throws {@link
 * IllegalStateException}, and the node must restart so that {@link #open} recovers from what is
 * really on disk.
 *
 * <p><b>On disk.</b> {@code LOCK} (held while open), {@code acceptedEpoch}, {@code currentEpoch},
 * {@code CURRENT} (names the current history generation) and {@code history-<generation>/} with
 * {@code snapshot-<zxid>.snap} and {@code log-<first zxid>.seg} files. The package-private classes
 * {@code HistoryGenerations}, {@code LogSegment}, {@code RecordCodec} and {@code SnapshotFiles}
 * document the formats.
 */
public final class ZabStorage implements Closeable {

  /** Test seam: runs after each step of an install, so a test can stop there like a crash. */
  @FunctionalInterface
  interface InstallHook {
    void reached(InstallStep step) throws IOException;
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  static final String LOCK_FILE = "LOCK";
  private static final System.Logger LOG = System.getLogger(ZabStorage.class.getName());

  private final Path dir;
  private final StorageOptions options;
  private final Fsyncs fsyncs;
  private final FileChannel lockChannel;
  private final DurableState recovered;

  private long generation;
  private History history;
  private long acceptedEpoch;
  private long currentEpoch;
  private int opsSinceSync;
  private long syncCount;
  private int lastSyncBatchOps;
  private volatile Throwable failure;
  private boolean closed;
  private InstallHook installHook = step -> {};

  /**
   * Opens the data directory {@code dir} (created if missing), takes its lock, and recovers: cuts a
   * torn log tail (logged at WARN), removes what an interrupted install or compaction left behind,
   * and validates everything else. The result is {@link #recovered()}.
   *
   * @throws StorageCorruptedException if the directory holds damage a crash cannot explain; its
   *     message names the file and offset and says what to do
   * @throws IOException if the directory is locked by another instance or cannot be read
   */
  public static ZabStorage open(Path dir, StorageOptions options) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    Files.createDirectories(dir);
    FileChannel lockChannel =
        FileChannel.open(
            dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IOException(
            "data directory "
                + dir
                + " is in use by another ZabStorage (in this or another process); each node"
                + " needs a directory of its own");
      }
      return new ZabStorage(dir, options, lockChannel);
    } catch (IOException | RuntimeException | Error e) {
      lockChannel.close();
      throw e;
    }
  }

  private ZabStorage(Path dir, StorageOptions options, FileChannel lockChannel) throws IOException {
    this.dir = dir;
    this.options = options;
    this.lockChannel = lockChannel;
    this.fsyncs = new Fsyncs(options.fsync());

    // Epoch and pointer writes interrupted before their rename: the old file is the valid one.
    AtomicFiles.deleteTempFiles(dir);
    generation = HistoryGenerations.recover(dir, fsyncs);
    acceptedEpoch = EpochFiles.read(dir, EpochFiles.ACCEPTED);
    currentEpoch = EpochFiles.read(dir, EpochFiles.CURRENT);
    if (acceptedEpoch < currentEpoch) {
      throw new StorageCorruptedException(
          dir.resolve(EpochFiles.CURRENT),
          -1,
          "currentEpoch "
              + currentEpoch
              + " is above acceptedEpoch "
              + acceptedEpoch
              + ", but a node always promises an epoch before it adopts it");
    }
    History.Recovered r =
        History.recover(HistoryGenerations.dirOf(dir, generation), options, fsyncs);
    history = r.history();
    recovered =
        new DurableState(
            acceptedEpoch, currentEpoch, r.snapshot(), Collections.unmodifiableList(r.entries()));
    LOG.log(
        Level.INFO,
        "Opened {0}: acceptedEpoch={1}, currentEpoch={2}, snapshot={3}, {4} entries after it,"
            + " last zxid {5}",
        dir,
        acceptedEpoch,
        currentEpoch,
        r.snapshot(),
        r.entries().size(),
        Zxid.format(lastZxid()));
  }

  /**
   * What {@code ZabCore.create} needs, as recovered by {@link #open}: the epochs, the newest
   * snapshot ({@link Snapshot#EMPTY} if none) and the log entries after it. Reflects the disk at
   * open time, not later writes.
   */
  public DurableState recovered() {
    return recovered;
  }

  /**
   * Applies one op; see the class comment for when it is durable.
   *
   * @throws IllegalArgumentException if the op is invalid (nothing was changed)
   * @throws IllegalStateException if the op breaks an invariant the protocol keeps (nothing was
   *     changed), or this storage is closed or failed
   * @throws IOException if the disk failed; this storage is failed from then on
   */
  public void write(PersistOp op) throws IOException {
    requireUsable();
    Objects.requireNonNull(op, "op");
    if (op instanceof PersistOp.Append a) {
      append(a.entry());
    } else if (op instanceof PersistOp.Truncate t) {
      truncate(t.zxid());
    } else if (op instanceof PersistOp.InstallSnapshot i) {
      install(i.snapshot(), i.entries());
    } else if (op instanceof PersistOp.SetAcceptedEpoch e) {
      setAcceptedEpoch(e.epoch());
    } else if (op instanceof PersistOp.SetCurrentEpoch e) {
      setCurrentEpoch(e.epoch());
    } else {
      throw new IllegalArgumentException("unknown persist op " + op);
    }
  }

  /**
   * Group commit: makes every op written since the last sync durable with one fsync (none if
   * nothing is pending).
   *
   * @return the batch size: log ops ({@code Append}, {@code Truncate}, {@code InstallSnapshot})
   *     written since the previous group commit, now all durable
   * @throws IOException if the fsync failed; this storage is failed from then on
   */
  public int sync() throws IOException {
    requireUsable();
    int[] batch = new int[1];
    mutate(() -> batch[0] = commitLog());
    return batch[0];
  }

  /**
   * Group commit in two halves, so that the caller's thread need not wait for the disk: hands every
   * op written since the last group commit to the OS and returns the {@link PendingSync} that makes
   * them durable; any thread may complete it. Until it is awaited those ops are not durable, and
   * messages that depend on them must wait. Later writes may proceed meanwhile; an op that must be
   * durable at once (truncation, install, epochs, snapshots, close) first forces everything before
   * it, so it never waits on, or races with, a pending sync.
   *
   * @throws IOException if handing the data to the OS failed; this storage is failed from then on
   */
  public PendingSync beginSync() throws IOException {
    requireUsable();
    LogSegment[] newest = new LogSegment[1];
    mutate(() -> newest[0] = history.flushNewest());
    int batch = opsSinceSync;
    opsSinceSync = 0;
    if (batch > 0) {
      syncCount++;
      lastSyncBatchOps = batch;
    }
    LogSegment s = newest[0];
    boolean needed = s != null && s.hasUnforced();
    return new PendingSync(this, needed ? s : null, needed ? s.flushedEnd() : 0, batch);
  }

  /**
   * Writes a snapshot of the state machine atomically, then compacts: deletes the log segments
   * whose entries are all at or below {@code s.zxid()} (the newest segment always stays) and the
   * snapshot files beyond the newest {@link StorageOptions#snapshotsToKeep()}. Log ops still
   * pending are made durable first, so the log never ends below a snapshot because of a crash.
   *
   * @param s state reflecting every entry up to {@code s.zxid()}, which must lie within the history
   *     and not below the newest snapshot
   * @throws IllegalArgumentException if {@code s} is outside those bounds (nothing was changed)
   * @throws IOException if the disk failed; this storage is failed from then on
   */
  public void saveSnapshot(Snapshot s) throws IOException {
    requireUsable();
    Objects.requireNonNull(s, "s");
    history.checkSnapshot(s);
    mutate(
        () -> {
          commitLog();
          history.saveSnapshot(s);
        });
  }

  /** The last zxid of the history: of the last log entry or of the newest snapshot, 0 if none. */
  public long lastZxid() {
    return history.lastZxid();
  }

  /** Counters and sizes for tests and metrics. */
  public StorageStats stats() {
    return new StorageStats(
        lastZxid(),
        history.segmentCount(),
        history.bytes(),
        fsyncs.count(),
        fsyncs.lastNanos(),
        syncCount,
        lastSyncBatchOps);
  }

  /**
   * Makes everything written durable (unless this storage failed), closes the files and releases
   * the directory lock. Idempotent.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (failure == null) {
        commitLog();
      }
    } finally {
      try {
        history.close();
      } finally {
        lockChannel.close();
      }
    }
  }

  // ---- ops ----

  private void append(Entry e) throws IOException {
    requireEntrySize(e);
    long last = lastZxid();
    if (e.zxid() <= last) {
      throw new IllegalArgumentException(
          "append of "
              + Zxid.format(e.zxid())
              + " after "
              + Zxid.format(last)
              + ": zxids must strictly increase");
    }
    mutate(() -> history.append(e));
    opsSinceSync++;
  }

  private void truncate(long zxid) throws IOException {
    if (zxid < 0) {
      throw new IllegalArgumentException("truncation to negative zxid " + zxid);
    }
    if (zxid < lastZxid()) {
      history.checkTruncate(zxid);
      mutate(
          () -> {
            history.force(); // no pending sync may still reach for a segment the cut deletes
            history.truncate(zxid);
          });
    }
    opsSinceSync++;
  }

  private void install(Snapshot snapshot, List<Entry> entries) throws IOException {
    if (snapshot.zxid() < 0) {
      throw new IllegalArgumentException("snapshot with negative zxid " + snapshot.zxid());
    }
    long previous = snapshot.zxid();
    for (Entry e : entries) {
      requireEntrySize(e);
      if (e.zxid() <= previous) {
        throw new IllegalArgumentException(
            "install entries must strictly increase above the snapshot: "
                + Zxid.format(e.zxid())
                + " after "
                + Zxid.format(previous));
      }
      previous = e.zxid();
    }
    mutate(
        () -> {
          history.force(); // no pending sync may still reach for the history the install closes
          installAtomically(snapshot, entries);
        });
    opsSinceSync++;
  }

  /**
   * Builds the new history in the next generation's directory, makes it durable, then commits it
   * with the atomic rename of the pointer; see {@link InstallStep} for what a crash at each step
   * recovers.
   */
  private void installAtomically(Snapshot snapshot, List<Entry> entries) throws IOException {
    long newGeneration = generation + 1;
    Path newDir = HistoryGenerations.dirOf(dir, newGeneration);
    AtomicFiles.deleteRecursively(newDir);
    Files.createDirectory(newDir);
    installHook.reached(InstallStep.STAGING_CREATED);

    History staged = History.createEmpty(newDir, options, fsyncs);
    try {
      // The initial state needs no file: no snapshot file means Snapshot.EMPTY.
      if (snapshot.zxid() != Zxid.ZERO || snapshot.data().length > 0) {
        staged.writeSnapshotFile(snapshot);
      }
      installHook.reached(InstallStep.SNAPSHOT_STAGED);
      for (Entry e : entries) {
        staged.append(e);
      }
      staged.force();
      installHook.reached(InstallStep.LOG_STAGED);
      fsyncs.forceDirectory(newDir);
      installHook.reached(InstallStep.STAGING_SYNCED);
      Path pointer = HistoryGenerations.stagePointer(dir, newGeneration, fsyncs);
      installHook.reached(InstallStep.POINTER_STAGED);
      HistoryGenerations.switchPointer(pointer, dir, fsyncs);
    } catch (IOException | RuntimeException | Error e) {
      staged.closeQuietly();
      throw e;
    }

    // Committed: the new generation is the durable history from here on.
    History old = history;
    old.closeQuietly(); // its unsynced appends are superseded
    history = staged;
    generation = newGeneration;
    installHook.reached(InstallStep.POINTER_SWITCHED);
    AtomicFiles.deleteRecursively(old.dir());
    fsyncs.forceDirectory(dir);
    installHook.reached(InstallStep.OLD_HISTORY_DELETED);
  }

  private void setAcceptedEpoch(long epoch) throws IOException {
    requireEpochInRange(epoch);
    if (epoch < currentEpoch) {
      throw new IllegalStateException(
          "acceptedEpoch "
              + epoch
              + " below currentEpoch "
              + currentEpoch
              + ": a node never adopts an epoch it has not promised");
    }
    mutate(
        () -> {
          commitLog(); // every log op before an epoch op is durable before the epoch file
          EpochFiles.write(dir, EpochFiles.ACCEPTED, epoch, fsyncs);
          acceptedEpoch = epoch;
        });
  }

  private void setCurrentEpoch(long epoch) throws IOException {
    requireEpochInRange(epoch);
    if (epoch > acceptedEpoch) {
      throw new IllegalStateException(
          "currentEpoch "
              + epoch
              + " above acceptedEpoch "
              + acceptedEpoch
              + ": a node never adopts an epoch it has not promised");
    }
    mutate(
        () -> {
          commitLog();
          EpochFiles.write(dir, EpochFiles.CURRENT, epoch, fsyncs);
          currentEpoch = epoch;
        });
  }

  // ---- helpers ----

  /** One fsync for every pending append; returns the log ops written since the last commit. */
  private int commitLog() throws IOException {
    if (history.hasUnforced()) {
      history.force();
    }
    int batch = opsSinceSync;
    opsSinceSync = 0;
    if (batch > 0) {
      syncCount++;
      lastSyncBatchOps = batch;
    }
    return batch;
  }

  private void requireEntrySize(Entry e) {
    if (e.data().length > options.maxEntryBytes()) {
      throw new IllegalArgumentException(
          "entry "
              + Zxid.format(e.zxid())
              + " has "
              + e.data().length
              + " bytes, more than maxEntryBytes="
              + options.maxEntryBytes()
              + "; propose smaller entries or raise the limit");
    }
  }

  private static void requireEpochInRange(long epoch) {
    if (epoch < 0 || epoch > Zxid.MAX_EPOCH) {
      throw new IllegalArgumentException("epoch " + epoch + " out of range");
    }
  }

  private void requireUsable() {
    if (closed) {
      throw new IllegalStateException("storage for " + dir + " is closed");
    }
    if (failure != null) {
      throw new IllegalStateException(
          "storage for "
              + dir
              + " failed earlier and its disk state is unknown; restart the node so that"
              + " recovery re-reads the disk",
          failure);
    }
  }

  Fsyncs fsyncs() {
    return fsyncs;
  }

  /** A {@link PendingSync} failed on some thread: the disk's state is unknown from now on. */
  void failed(Throwable e) {
    if (failure == null) {
      failure = e;
    }
  }

  /** Runs a change to the disk; any error leaves this storage failed (see class comment). */
  private void mutate(IoAction action) throws IOException {
    try {
      action.run();
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      throw e;
    }
  }

  // ---- test seams ----

  /** Makes the next fsync of the log or an epoch file fail with {@code e}. */
  void failNextFsync(IOException e) {
    fsyncs.failNextForce(e);
  }

  /** Runs {@code hook} after each step of every later install. */
  void onInstallStep(InstallHook hook) {
    this.installHook = Objects.requireNonNull(hook, "hook");
  }

  /**
   * Simulates a process crash: drops whatever is still buffered in this process, closes the files
   * without fsync and releases the lock. What was handed to the OS stays, as it would.
   */
  void abandon() throws IOException {
    closed = true;
    history.closeQuietly();
    lockChannel.close();
  }

  /** The directory of the current history generation. */
  Path historyDirectory() {
    return history.dir();
  }
}
