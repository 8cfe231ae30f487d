package io.zabtx.coordinator.log;

import static io.zabtx.coordinator.log.LogFixtures.assertSameState;
import static io.zabtx.coordinator.log.LogFixtures.branch;
import static io.zabtx.coordinator.log.LogFixtures.restored;
import static io.zabtx.coordinator.log.LogFixtures.snapshotOf;
import static io.zabtx.coordinator.log.LogFixtures.zxid;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.LogRecord;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Xid;
import io.zabtx.replication.core.Zxid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Random record sequences over a few epochs (commit points of the right and wrong epoch,
 * duplicates, batched Completed, heuristic reports, Forget) applied to a reference {@link
 * DecisionLog}:
 *
 * <ul>
 *   <li>after every entry, the model check: every xid ever given a commit point is found with it or
 *       may be forgotten (a committed transaction never turns into "unknown, presumed aborted"),
 *       one never completed is always found, the watermark only grows and nothing at or below it is
 *       held;
 *   <li>snapshots taken at random points, restored into a fresh log that applies the rest, end in
 *       the same state; so does a replica restored from its own snapshot again and again.
 * </ul>
 *
 * <p>Prints its seed base; a failure names its seed. {@code -Dtx.log.seeds=N} runs N seeds (default
 * 200, from a random base), {@code -Dtx.log.seed=S} replays one.
 */
class RandomizedDecisionLogTest {

  private static final int STEPS = 300;
  private static final int SEQUENCES_PER_EPOCH = 25;

  /** Rejections are logged at WARN by design; thousands of them would flood the output. */
  private static final Logger LOG_LOGGER = quiet(Logger.getLogger(DecisionLog.class.getName()));

  private static Logger quiet(Logger logger) {
    logger.setLevel(Level.SEVERE);
    return logger;
  }

  @Test
  void snapshotsRestoredAnywhereReachTheSameStateAndCommittedXidsNeverTurnUnknown()
      throws IOException {
    assertThat(LOG_LOGGER.getLevel()).isEqualTo(Level.SEVERE);
    String replay = System.getProperty("tx.log.seed", "").trim();
    List<Long> seeds;
    if (!replay.isEmpty()) {
      seeds = List.of(Long.parseLong(replay));
      System.out.println("SEED=" + replay);
    } else {
      long count = Long.getLong("tx.log.seeds", 200);
      long base = Long.getLong("tx.log.seedBase", System.nanoTime() & 0xFFFF_FFFFL);
      System.out.printf(
          "SEED=%d..%d (%d seeds; replay one with -Dtx.log.seed=N)%n",
          base, base + count - 1, count);
      seeds = LongStream.range(base, base + count).boxed().toList();
    }
    Coverage coverage = new Coverage();
    for (long seed : seeds) {
      Run run = new Run(seed, coverage);
      try {
        run.run();
      } catch (Throwable t) {
        throw new AssertionError(
            "SEED="
                + seed
                + " failed at step "
                + run.step
                + " (replay with -Dtx.log.seed="
                + seed
                + ")",
            t);
      }
    }
    System.out.println("tx.log coverage: " + coverage);
    if (replay.isEmpty() && seeds.size() >= 50) {
      // A generator that stopped producing these would make the checks above vacuous.
      assertThat(coverage.forgotten).isPositive();
      assertThat(coverage.rejected).isPositive();
      assertThat(coverage.duplicates).isPositive();
      assertThat(coverage.mixed).isPositive();
      assertThat(coverage.restores).isPositive();
      assertThat(coverage.countCuts).isPositive();
    }
  }

  /** One entry: its zxid and bytes. */
  private record Step(Zxid zxid, byte[] data, LogRecord record) {}

  private static final class Coverage {
    long forgotten;
    long rejected;
    long duplicates;
    long mixed;
    long restores;
    long countCuts;

    @Override
    public String toString() {
      return "forgotten="
          + forgotten
          + " rejected="
          + rejected
          + " duplicates="
          + duplicates
          + " mixed="
          + mixed
          + " restores="
          + restores
          + " countCuts="
          + countCuts;
    }
  }

  private static final class Run {
    private final SplittableRandom rnd;
    private final Coverage coverage;
    private final List<Xid> proposed = new ArrayList<>();
    private final Set<Xid> committed = new HashSet<>();
    private final Set<Xid> completed = new HashSet<>();
    int step;

    Run(long seed, Coverage coverage) {
      this.rnd = new SplittableRandom(seed);
      this.coverage = coverage;
    }

    void run() throws IOException {
      List<Step> steps = generate();
      DecisionLog reference = new DecisionLog();
      DecisionLog replica = new DecisionLog();
      List<Integer> snapshotAt = new ArrayList<>();
      List<byte[]> snapshots = new ArrayList<>();
      Xid watermark = null;
      for (step = 0; step < steps.size(); step++) {
        if (rnd.nextInt(20) == 0) {
          snapshotAt.add(step);
          snapshots.add(snapshotOf(reference));
        }
        if (rnd.nextInt(30) == 0) {
          replica = restored(snapshotOf(replica));
          coverage.restores++;
        }
        Step s = steps.get(step);
        LoggedTx before =
            commitPointXid(s.record()) == null ? null : reference.find(commitPointXid(s.record()));
        int sizeBefore = reference.size();
        reference.apply(s.zxid(), s.data());
        replica.apply(s.zxid(), s.data());
        observe(reference, s, before);
        checkCountBound(reference, s.record(), sizeBefore);
        watermark = checkInvariants(reference, watermark);
      }
      assertSameState(replica, reference);
      for (int i = 0; i < snapshots.size(); i++) {
        DecisionLog fresh = restored(snapshots.get(i));
        for (Step s : steps.subList(snapshotAt.get(i), steps.size())) {
          fresh.apply(s.zxid(), s.data());
        }
        assertSameState(fresh, reference);
      }
      coverage.forgotten += reference.watermark() == null ? 0 : 1;
      coverage.rejected += reference.rejectedCommitPoints();
      coverage.duplicates += reference.duplicateCommitPoints();
      coverage.mixed += reference.count(TxStatus.HEURISTIC_MIXED);
    }

    /** Records what the model needs to know about the entry just applied. */
    private void observe(DecisionLog log, Step s, LoggedTx before) {
      Xid cp = commitPointXid(s.record());
      if (cp != null) {
        LoggedTx after = log.find(cp);
        boolean accepted =
            after != null && after.hasCommitPoint() && (before == null || !before.hasCommitPoint());
        if (accepted) {
          assertThat(cp.epoch())
              .as("only the entry's epoch is decided")
              .isEqualTo(s.zxid().epoch());
          committed.add(cp);
        } else {
          assertThat(after)
              .as("a rejected or duplicate commit point changes nothing")
              .isEqualTo(before);
        }
      } else if (s.record() instanceof CompletedRecord c) {
        for (Xid x : c.xids()) {
          LoggedTx tx = log.find(x);
          if (tx != null && tx.hasCommitPoint()) {
            assertThat(tx.completed()).isTrue();
            completed.add(x);
          }
        }
      }
    }

    /**
     * After a count-bounded Forget the log is within its bound, or what stays first in xid order is
     * a transaction whose phase 2 runs (which no count removes).
     */
    private void checkCountBound(DecisionLog log, LogRecord r, int sizeBefore) {
      if (!(r instanceof ForgetRecord f)) {
        return;
      }
      Xid w = log.watermark();
      if (f.onlyBelow() != null && w != null) {
        // W may have been higher already; this Forget only must not have raised it to onlyBelow.
        assertThat(w.compareTo(f.onlyBelow()) < 0 || log.size() == sizeBefore)
            .as("W %s raised to or past onlyBelow %s", w, f.onlyBelow())
            .isTrue();
      }
      if (f.keepAtMost() == 0) {
        return;
      }
      List<LoggedTx> all = log.all();
      if (all.size() > f.keepAtMost()) {
        LoggedTx first = all.get(0);
        boolean atBound = f.onlyBelow() != null && first.xid().compareTo(f.onlyBelow()) >= 0;
        assertThat(atBound || (first.hasCommitPoint() && !first.completed()))
            .as(
                "over the bound of %d, the first logged %s must be unfinished or at or above %s",
                f.keepAtMost(), first, f.onlyBelow())
            .isTrue();
      } else if (sizeBefore > f.keepAtMost()) {
        coverage.countCuts++;
      }
    }

    private Xid checkInvariants(DecisionLog log, Xid previousWatermark) {
      for (Xid x : committed) {
        LoggedTx tx = log.find(x);
        boolean found = tx != null && tx.hasCommitPoint();
        assertThat(found || log.mayBeForgotten(x))
            .as("committed %s is found or may be forgotten", x)
            .isTrue();
        if (!completed.contains(x)) {
          assertThat(found).as("%s never completed, so never forgotten", x).isTrue();
        }
      }
      Xid w = log.watermark();
      if (previousWatermark != null) {
        assertThat(w).as("the watermark only grows").isNotNull();
        assertThat(w.compareTo(previousWatermark)).isGreaterThanOrEqualTo(0);
      }
      List<LoggedTx> all = log.all();
      assertThat(all).allSatisfy(tx -> assertThat(log.mayBeForgotten(tx.xid())).isFalse());
      assertThat(log.unfinished())
          .isEqualTo(all.stream().filter(tx -> tx.hasCommitPoint() && !tx.completed()).toList());
      assertThat(log.size()).isEqualTo(all.size());
      long counted = 0;
      for (TxStatus s : TxStatus.values()) {
        counted += log.count(s);
      }
      assertThat(counted).isEqualTo(all.size());
      return w;
    }

    private static Xid commitPointXid(LogRecord r) {
      if (r instanceof DecisionRecord d) {
        return d.xid();
      }
      if (r instanceof PreCommitRecord p) {
        return p.xid();
      }
      return null;
    }

    private List<Step> generate() {
      List<Step> steps = new ArrayList<>();
      long epoch = 1;
      long counter = 0;
      long clock = 1_000;
      for (int i = 0; i < STEPS; i++) {
        if (rnd.nextInt(40) == 0) {
          epoch += 1 + rnd.nextInt(2);
          counter = 0;
        }
        clock += rnd.nextInt(20);
        LogRecord r = record(epoch, clock);
        steps.add(new Step(zxid(epoch, ++counter), RecordCodec.encode(r), r));
      }
      return steps;
    }

    private LogRecord record(long epoch, long clock) {
      int op = rnd.nextInt(100);
      if (op < 35) {
        // Mostly the entry's own epoch; sometimes another (to be rejected).
        long e = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt((int) epoch + 1) : epoch;
        Xid x = new Xid(e, 1 + rnd.nextInt(SEQUENCES_PER_EPOCH));
        proposed.add(x);
        var branches = List.of(branch(1), branch(2 + rnd.nextInt(3)));
        String name = rnd.nextBoolean() ? "" : "tx-" + rnd.nextInt(100) + "-ü";
        return rnd.nextBoolean()
            ? new DecisionRecord(x, branches, clock, name, clock - 5)
            : new PreCommitRecord(x, branches, clock, name, clock - 5);
      }
      if (op < 65) {
        List<Xid> xids = new ArrayList<>();
        for (int n = rnd.nextInt(4); n >= 0; n--) {
          xids.add(anyXid(epoch));
        }
        return new CompletedRecord(xids, Math.max(1, clock - rnd.nextInt(10)));
      }
      if (op < 85) {
        HeuristicKind kind = HeuristicKind.values()[rnd.nextInt(HeuristicKind.values().length)];
        int branchId = 1 + rnd.nextInt(3);
        return new HeuristicRecord(anyXid(epoch), branchId, kind, "seen by " + branchId, clock);
      }
      // Half of them also bound the count (1..20, often below what is logged), so that both cuts
      // and their mix are exercised; 0 is no count bound.
      long keepAtMost = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(20);
      // Sometimes only below an xid, as a leader with a transaction in flight sends it.
      Xid onlyBelow = rnd.nextInt(3) == 0 ? anyXid(epoch) : null;
      return new ForgetRecord(clock - rnd.nextInt(150), keepAtMost, onlyBelow);
    }

    /** A proposed xid most of the time, else any xid of an epoch so far. */
    private Xid anyXid(long epoch) {
      if (!proposed.isEmpty() && rnd.nextInt(4) != 0) {
        return proposed.get(rnd.nextInt(proposed.size()));
      }
      return new Xid(1 + rnd.nextInt((int) epoch), 1 + rnd.nextInt(SEQUENCES_PER_EPOCH));
    }
  }
}
