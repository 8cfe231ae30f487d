package io.zabtx.replication.storage;

import static io.zabtx.replication.storage.StorageFixtures.assertState;
import static io.zabtx.replication.storage.StorageFixtures.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.replication.core.DurableState;
import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.PersistOp;
import io.zabtx.replication.core.Snapshot;
import io.zabtx.replication.core.Zxid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random op sequences (appends, truncations, installs, snapshots, epoch writes, syncs, clean
 * reopens and crashes) applied to the storage and to a simple in-memory model: after every reopen
 * {@link ZabStorage#recovered()} equals what was durably written, and after a crash it equals that
 * plus a prefix of the appends that were not yet synced.
 *
 * <p>Installs are also cut short by a crash after a random {@link InstallStep}. A run prints its
 * seed base and a coverage line; a failure names its seed. {@code -Dzab.storage.seeds=N} runs N
 * seeds (default 40, from a random base), {@code -Dzab.storage.seed=S} replays one. fsync is off: a
 * simulated crash keeps the page cache, so fsync changes nothing here, and the directed tests run
 * with it on.
 */
class RandomizedStorageTest {

  private static final StorageOptions OPTIONS =
      StorageOptions.defaults().withSegmentBytes(4096).withMaxEntryBytes(8192).withFsync(false);
  private static final int OPS_PER_SEED = 300;

  /** Thousands of opens and crash repairs would flood the output; failures speak for themselves. */
  private static final Logger STORAGE_LOG = quiet(Logger.getLogger("io.zabtx.replication.storage"));

  @TempDir Path root;

  private static Logger quiet(Logger logger) {
    logger.setLevel(Level.SEVERE);
    return logger;
  }

  @Test
  void recoveredStateAlwaysEqualsWhatWasDurablyWritten() throws IOException {
    assertThat(STORAGE_LOG.getLevel()).isEqualTo(Level.SEVERE);
    String replay = System.getProperty("zab.storage.seed", "").trim();
    List<Long> seeds;
    if (!replay.isEmpty()) {
      seeds = List.of(Long.parseLong(replay));
    } else {
      long count = Long.getLong("zab.storage.seeds", 40);
      long base = Long.getLong("zab.storage.seedBase", System.nanoTime() & 0xFFFF_FFFFL);
      System.out.printf(
          "STORAGE SEEDS=%d from base %d (replay one with -Dzab.storage.seed=N)%n", count, base);
      seeds = LongStream.range(base, base + count).boxed().toList();
    }
    Coverage coverage = new Coverage();
    for (long seed : seeds) {
      Path dir = root.resolve("seed-" + seed);
      Run run = new Run(seed, dir, coverage);
      try {
        run.run();
      } catch (Throwable t) {
        throw new AssertionError(
            "SEED="
                + seed
                + " failed at op "
                + run.step
                + " ("
                + run.lastOp
                + "); replay with -Dzab.storage.seed="
                + seed
                + ": "
                + t,
            t);
      } finally {
        run.closeQuietly();
      }
    }
    System.out.println("STORAGE COVERAGE " + coverage);
  }

  /** How often each interesting path ran, summed over the seeds; printed to show the mix. */
  private static final class Coverage {
    long appends;
    long segmentRolls;
    long syncs;
    long truncationsThatCut;
    long truncationsBelowASnapshot;
    long truncationsRefused;
    long snapshots;
    long installs;
    long installCrashes;
    long reopens;
    long crashes;
    long crashesThatLostAppends;

    @Override
    public String toString() {
      return String.format(
          "appends=%d segmentRolls=%d syncs=%d truncationsThatCut=%d truncationsBelowASnapshot=%d"
              + " truncationsRefused=%d snapshots=%d installs=%d installCrashes=%d reopens=%d"
              + " crashes=%d crashesThatLostAppends=%d",
          appends,
          segmentRolls,
          syncs,
          truncationsThatCut,
          truncationsBelowASnapshot,
          truncationsRefused,
          snapshots,
          installs,
          installCrashes,
          reopens,
          crashes,
          crashesThatLostAppends);
    }
  }

  /** Thrown by the install hook to stop an install where a crash would. */
  private static final class SimulatedCrash extends IOException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(InstallStep step) {
      super("simulated crash after " + step);
    }
  }

  /** One seed's run: the storage under test and the model it must agree with. */
  private static final class Run {
    private final SplittableRandom random;
    private final Path dir;
    private final Coverage coverage;
    private ZabStorage storage;
    int step;
    String lastOp = "open";

    // The model.
    private long acceptedEpoch;
    private long currentEpoch;
    private final TreeMap<Long, Snapshot> snapshots = new TreeMap<>();
    private final ArrayList<Entry> history = new ArrayList<>(); // may reach below the snapshot
    private int durable; // history.subList(0, durable) is durable, the rest still buffered
    private int opsSinceSync;

    Run(long seed, Path dir, Coverage coverage) {
      this.random = new SplittableRandom(seed);
      this.dir = dir;
      this.coverage = coverage;
    }

    void run() throws IOException {
      storage = ZabStorage.open(dir, OPTIONS);
      assertState(storage.recovered(), DurableState.empty());
      for (step = 0; step < OPS_PER_SEED; step++) {
        int dice = random.nextInt(100);
        if (dice < 45) {
          append();
        } else if (dice < 58) {
          sync();
        } else if (dice < 65) {
          truncate();
        } else if (dice < 72) {
          saveSnapshot();
        } else if (dice < 76) {
          install();
        } else if (dice < 82) {
          epochs();
        } else if (dice < 91) {
          reopen();
        } else {
          crash();
        }
        assertThat(storage.lastZxid()).as("lastZxid").isEqualTo(lastZxid());
      }
      reopen();
    }

    private void append() throws IOException {
      long zxid = nextZxid();
      int size = random.nextInt(100) < 4 ? 4000 + random.nextInt(6000) : random.nextInt(200);
      Entry e = entry(zxid, size);
      lastOp = "append " + e;
      if (size > OPTIONS.maxEntryBytes()) {
        assertThatThrownBy(() -> storage.write(new PersistOp.Append(e)))
            .isInstanceOf(IllegalArgumentException.class);
        return;
      }
      int segments = storage.stats().segmentCount();
      storage.write(new PersistOp.Append(e));
      history.add(e);
      opsSinceSync++;
      coverage.appends++;
      if (storage.stats().segmentCount() > segments) {
        coverage.segmentRolls++;
      }
    }

    private long nextZxid() {
      long last = lastZxid();
      if (random.nextInt(100) < 5) {
        return Zxid.make(Zxid.epochOf(last) + 1, 1);
      }
      return last + 1 + random.nextInt(3);
    }

    private void sync() throws IOException {
      lastOp = "sync";
      assertThat(storage.sync()).as("batch size").isEqualTo(opsSinceSync);
      opsSinceSync = 0;
      durable = history.size();
      coverage.syncs++;
    }

    private void truncate() throws IOException {
      long newest = newestSnapshotZxid();
      long last = lastZxid();
      long zxid;
      int dice = random.nextInt(100);
      if (dice < 20 && newest > 0) {
        zxid = random.nextLong(newest); // below the snapshot: allowed only if the log reaches
      } else if (dice < 30) {
        zxid = last + random.nextInt(3); // nothing to cut
      } else {
        zxid = newest + (last > newest ? random.nextLong(last - newest + 1) : 0);
      }
      lastOp = "truncate " + Zxid.format(zxid);
      try {
        storage.write(new PersistOp.Truncate(zxid));
      } catch (IllegalStateException refused) {
        assertThat(zxid).as("only a truncation below a snapshot is refused").isLessThan(newest);
        coverage.truncationsRefused++;
        return;
      }
      opsSinceSync++;
      if (zxid < newest) {
        coverage.truncationsBelowASnapshot++;
      }
      if (zxid < last) {
        coverage.truncationsThatCut++;
        snapshots.tailMap(zxid, false).clear();
        history.removeIf(e -> e.zxid() > zxid);
        durable = history.size(); // a truncation is durable at once, and so is what it keeps
      }
    }

    private void saveSnapshot() throws IOException {
      long newest = newestSnapshotZxid();
      long last = lastZxid();
      long zxid = newest + (last > newest ? random.nextLong(last - newest + 1) : 0);
      Snapshot s = StorageFixtures.snapshot(zxid);
      lastOp = "saveSnapshot " + s;
      storage.saveSnapshot(s);
      opsSinceSync = 0; // the pending log ops became durable first
      durable = history.size();
      snapshots.put(zxid, s);
      coverage.snapshots++;
      while (snapshots.size() > OPTIONS.snapshotsToKeep()) {
        snapshots.pollFirstEntry();
      }
    }

    private void install() throws IOException {
      Snapshot s;
      if (random.nextInt(10) == 0) {
        s = Snapshot.EMPTY;
      } else {
        long epoch = Math.max(1, Zxid.epochOf(lastZxid()) + random.nextInt(-1, 2));
        s = StorageFixtures.snapshot(Zxid.make(epoch, 1 + random.nextInt(50)));
      }
      List<Entry> entries = new ArrayList<>();
      long zxid = s.zxid();
      int count = random.nextInt(40);
      for (int i = 0; i < count; i++) {
        zxid += 1 + random.nextInt(2);
        entries.add(entry(zxid, random.nextInt(300)));
      }
      lastOp = "install " + s + " + " + entries.size() + " entries";
      coverage.installs++;
      if (random.nextInt(4) == 0) {
        installAndCrash(s, entries);
        return;
      }
      storage.write(new PersistOp.InstallSnapshot(s, entries));
      opsSinceSync++;
      installed(s, entries);
    }

    /** An install stopped after a random step by a crash: recovery yields old or new, no mix. */
    private void installAndCrash(Snapshot s, List<Entry> entries) throws IOException {
      sync(); // so that "old" is exactly the model, not old plus a prefix of pending appends
      InstallStep[] steps = InstallStep.values();
      InstallStep crashAfter = steps[random.nextInt(steps.length)];
      lastOp += ", crashing after " + crashAfter;
      storage.onInstallStep(
          step -> {
            if (step == crashAfter) {
              throw new SimulatedCrash(step);
            }
          });
      assertThatThrownBy(() -> storage.write(new PersistOp.InstallSnapshot(s, entries)))
          .isInstanceOf(SimulatedCrash.class);
      storage.abandon();
      coverage.installCrashes++;
      if (crashAfter.compareTo(InstallStep.POINTER_SWITCHED) >= 0) {
        installed(s, entries);
      }
      storage = ZabStorage.open(dir, OPTIONS);
      assertState(storage.recovered(), expected(history.size()));
      opsSinceSync = 0;
    }

    private void installed(Snapshot s, List<Entry> entries) {
      snapshots.clear();
      if (s != Snapshot.EMPTY) {
        snapshots.put(s.zxid(), s);
      }
      history.clear();
      history.addAll(entries);
      durable = history.size();
    }

    private void epochs() throws IOException {
      if (random.nextBoolean()) {
        long epoch = Math.max(0, currentEpoch + random.nextInt(-1, 3));
        lastOp = "setAcceptedEpoch " + epoch;
        if (epoch < currentEpoch) {
          assertThatThrownBy(() -> storage.write(new PersistOp.SetAcceptedEpoch(epoch)))
              .isInstanceOf(IllegalStateException.class);
          return;
        }
        storage.write(new PersistOp.SetAcceptedEpoch(epoch));
        acceptedEpoch = epoch;
      } else {
        long epoch = currentEpoch + random.nextInt(0, 3);
        lastOp = "setCurrentEpoch " + epoch;
        if (epoch > acceptedEpoch) {
          assertThatThrownBy(() -> storage.write(new PersistOp.SetCurrentEpoch(epoch)))
              .isInstanceOf(IllegalStateException.class);
          return;
        }
        storage.write(new PersistOp.SetCurrentEpoch(epoch));
        currentEpoch = epoch;
      }
      // Every log op before an epoch op is durable before the epoch file is written.
      opsSinceSync = 0;
      durable = history.size();
    }

    private void reopen() throws IOException {
      lastOp = "reopen";
      storage.close(); // a clean close syncs
      durable = history.size();
      opsSinceSync = 0;
      storage = ZabStorage.open(dir, OPTIONS);
      assertState(storage.recovered(), expected(history.size()));
      coverage.reopens++;
    }

    private void crash() throws IOException {
      lastOp = "crash with " + (history.size() - durable) + " unsynced appends";
      storage.abandon();
      storage = ZabStorage.open(dir, OPTIONS);
      DurableState got = storage.recovered();
      // Everything durable survives; of the rest, a prefix may have reached the OS before.
      int kept = -1;
      for (int k = durable; k <= history.size() && kept < 0; k++) {
        if (StorageFixtures.sameState(got, expected(k))) {
          kept = k;
        }
      }
      if (kept < 0) {
        assertState(got, expected(durable)); // fails, with a useful diff
      }
      coverage.crashes++;
      if (kept < history.size()) {
        coverage.crashesThatLostAppends++;
      }
      history.subList(kept, history.size()).clear();
      durable = history.size();
      opsSinceSync = 0;
    }

    /** What recovery must return if the first {@code historyLength} entries survived. */
    private DurableState expected(int historyLength) {
      Snapshot s = snapshots.isEmpty() ? Snapshot.EMPTY : snapshots.lastEntry().getValue();
      List<Entry> after =
          history.subList(0, historyLength).stream().filter(e -> e.zxid() > s.zxid()).toList();
      return new DurableState(acceptedEpoch, currentEpoch, s, after);
    }

    private long newestSnapshotZxid() {
      return snapshots.isEmpty() ? 0 : snapshots.lastKey();
    }

    private long lastZxid() {
      long last = history.isEmpty() ? 0 : history.get(history.size() - 1).zxid();
      return Math.max(newestSnapshotZxid(), last);
    }

    void closeQuietly() {
      try {
        if (storage != null) {
          storage.close();
        }
      } catch (IOException | RuntimeException e) {
        // Reporting the run's own failure matters more.
      }
    }
  }
}
