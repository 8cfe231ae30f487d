package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.entries;
import static io.zabtx.replication.core.CoreDriver.entry;
import static io.zabtx.replication.core.CoreDriver.z;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.replication.core.Message.SyncMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2 rule 5 ("leader chooses DIFF, TRUNC or SNAP per follower; never TRUNC across an epoch
 * boundary (use SNAP)") and rule 9 ("truncation invalidates any snapshot newer than the truncation
 * point", so a cut below the learner's snapshot must be a SNAP).
 */
class SyncPlanTest {

  @SafeVarargs
  private static HistoryLog leaderLog(List<Entry>... parts) {
    List<Entry> all = new ArrayList<>();
    for (List<Entry> p : parts) {
      all.addAll(p);
    }
    return new HistoryLog(Snapshot.EMPTY, all);
  }

  @Test
  void learnerOnAPointOfTheLeaderHistoryGetsADiff() {
    HistoryLog log = leaderLog(entries(1, 1, 5));
    SyncPlan p = SyncPlan.plan(log, z(1, 3), 0, z(1, 5));
    assertThat(p.mode()).isEqualTo(SyncMode.DIFF);
    assertThat(p.truncZxid()).isEqualTo(-1);
    assertThat(p.snapshot()).isNull();
    assertThat(p.entries()).containsExactly(entry(1, 4), entry(1, 5));
    assertThat(p.target()).isEqualTo(z(1, 5));
  }

  @Test
  void anEmptyLearnerGetsADiffOfTheWholeHistory() {
    HistoryLog log = leaderLog(entries(1, 1, 2), entries(2, 1, 1));
    SyncPlan p = SyncPlan.plan(log, Zxid.ZERO, 0, z(2, 1));
    assertThat(p.mode()).isEqualTo(SyncMode.DIFF);
    assertThat(p.entries()).containsExactly(entry(1, 1), entry(1, 2), entry(2, 1));
  }

  @Test
  void learnerAtTheTargetGetsAnEmptyDiff() {
    HistoryLog log = leaderLog(entries(1, 1, 5));
    SyncPlan p = SyncPlan.plan(log, z(1, 5), 0, z(1, 5));
    assertThat(p.mode()).isEqualTo(SyncMode.DIFF);
    assertThat(p.entries()).isEmpty();
  }

  @Test
  void learnerAheadOnTheLeadersOwnHistoryIsTruncatedToTheTarget() {
    HistoryLog log = leaderLog(entries(1, 1, 5));
    SyncPlan p = SyncPlan.plan(log, z(1, 5), 0, z(1, 3));
    assertThat(p.mode()).isEqualTo(SyncMode.TRUNC);
    assertThat(p.truncZxid()).isEqualTo(z(1, 3));
    assertThat(p.entries()).isEmpty();
    assertThat(p.target()).isEqualTo(z(1, 3));
  }

  @Test
  void learnerWithASuffixTheLeaderNeverHadIsTruncatedToTheLeadersLastZxidBelowItInTheSameEpoch() {
    // The learner got 1:4 and 1:5 from the old leader of epoch 1; the leader did not, and went on
    // in epoch 2.
    HistoryLog log = leaderLog(entries(1, 1, 3), entries(2, 1, 2));
    SyncPlan p = SyncPlan.plan(log, z(1, 5), 0, z(2, 2));
    assertThat(p.mode()).isEqualTo(SyncMode.TRUNC);
    assertThat(p.truncZxid()).isEqualTo(z(1, 3));
    assertThat(p.entries()).containsExactly(entry(2, 1), entry(2, 2));
    assertThat(p.target()).isEqualTo(z(2, 2));
  }

  @Test
  void truncationThatWouldCrossAnEpochBoundaryIsASnap() {
    // Leader 1:1..1:5; learner 1:1..1:3 then 2:1, which the leader never had. A TRUNC to 1:5 would
    // leave the learner with 1:1..1:3 and claim it holds 1:5: it must get a SNAP.
    HistoryLog log = leaderLog(entries(1, 1, 5));
    SyncPlan p = SyncPlan.plan(log, z(2, 1), 0, z(1, 5));
    assertThat(p.mode()).isEqualTo(SyncMode.SNAP);
    assertThat(p.snapshot()).isSameAs(Snapshot.EMPTY);
    assertThat(p.truncZxid()).isEqualTo(-1);
    assertThat(p.entries()).containsExactlyElementsOf(entries(1, 1, 5));
  }

  @Test
  void learnerWithAnEpochTheLeaderSkippedGetsASnapEvenWhenTheCutPointIsShared() {
    HistoryLog log = leaderLog(entries(1, 1, 3), entries(3, 1, 1));
    SyncPlan p = SyncPlan.plan(log, z(2, 1), 0, z(3, 1));
    assertThat(p.mode()).isEqualTo(SyncMode.SNAP);
    assertThat(p.entries()).containsExactly(entry(1, 1), entry(1, 2), entry(1, 3), entry(3, 1));
  }

  @Test
  void learnerWhosePointWasCompactedAwayGetsASnap() {
    HistoryLog log = leaderLog(entries(1, 1, 5));
    Snapshot s = new Snapshot(z(1, 3), new byte[] {3});
    log.compact(s, 0);
    SyncPlan p = SyncPlan.plan(log, z(1, 1), 0, z(1, 5));
    assertThat(p.mode()).isEqualTo(SyncMode.SNAP);
    assertThat(p.snapshot()).isSameAs(s);
    assertThat(p.entries()).containsExactly(entry(1, 4), entry(1, 5));
  }

  @Test
  void aDivergentLearnerWhoseCutPointWasCompactedAwayGetsASnap() {
    HistoryLog log = leaderLog(entries(1, 1, 3), entries(2, 1, 2));
    Snapshot s = new Snapshot(z(2, 1), new byte[] {3});
    log.compact(s, 0);
    SyncPlan p = SyncPlan.plan(log, z(1, 5), 0, z(2, 2));
    assertThat(p.mode()).isEqualTo(SyncMode.SNAP);
    assertThat(p.snapshot()).isSameAs(s);
    assertThat(p.entries()).containsExactly(entry(2, 2));
  }

  @Test
  void aCutBelowTheLearnersSnapshotIsASnap() {
    // Divergent learner: the cut point 1:3 lies below its snapshot at 1:4.
    HistoryLog log = leaderLog(entries(1, 1, 3), entries(2, 1, 2));
    SyncPlan p = SyncPlan.plan(log, z(1, 5), z(1, 4), z(2, 2));
    assertThat(p.mode()).isEqualTo(SyncMode.SNAP);

    // Learner on the leader's history, ahead of a target below its snapshot.
    HistoryLog log2 = leaderLog(entries(1, 1, 5));
    SyncPlan p2 = SyncPlan.plan(log2, z(1, 5), z(1, 4), z(1, 3));
    assertThat(p2.mode()).isEqualTo(SyncMode.SNAP);
    assertThat(p2.entries()).containsExactlyElementsOf(entries(1, 1, 3));
  }

  @Test
  void aCutExactlyAtTheLearnersSnapshotIsStillATrunc() {
    HistoryLog log = leaderLog(entries(1, 1, 3), entries(2, 1, 2));
    SyncPlan p = SyncPlan.plan(log, z(1, 5), z(1, 3), z(2, 2));
    assertThat(p.mode()).isEqualTo(SyncMode.TRUNC);
    assertThat(p.truncZxid()).isEqualTo(z(1, 3));
  }

  @Test
  void aTargetOutsideTheLeadersHistoryIsABug() {
    HistoryLog log = leaderLog(entries(1, 1, 3));
    assertThatThrownBy(() -> SyncPlan.plan(log, 0, 0, z(1, 4)))
        .isInstanceOf(IllegalStateException.class);
  }

  /**
   * Property: for any learner history that ZAB can produce relative to the leader's (a prefix of
   * the leader's history, possibly continued within the epoch it ends in where the leader moved on,
   * then possibly entries of epochs the leader never had), applying the plan leaves the learner
   * with exactly the leader's history up to the target; plan entries are exactly the leader's
   * entries in (base, target]; no TRUNC crosses an epoch boundary or goes below the learner's
   * snapshot.
   */
  @Test
  void planEntriesAreExactlyTheLeaderEntriesBetweenBaseAndTarget() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom r = new SplittableRandom(seed);
    EnumMap<SyncMode, Integer> seen = new EnumMap<>(SyncMode.class);
    for (int round = 0; round < 20_000; round++) {
      seen.merge(checkOne(r, "seed " + seed + " round " + round), 1, Integer::sum);
    }
    assertThat(seen)
        .as("seed %d: the generator reaches every mode", seed)
        .containsKeys(SyncMode.DIFF, SyncMode.TRUNC, SyncMode.SNAP);
  }

  private static SyncMode checkOne(SplittableRandom r, String what) {
    // Leader history: a few epochs (with gaps in the numbering), 1..4 entries each.
    List<Entry> leader = new ArrayList<>();
    TreeSet<Long> leaderEpochs = new TreeSet<>();
    for (long e = 1; e <= 8; e++) {
      if (r.nextInt(3) > 0) {
        leaderEpochs.add(e);
        leader.addAll(entries(e, 1, 1 + r.nextInt(4)));
      }
    }
    // Learner history: a prefix of the leader's, maybe continued, maybe with unknown epochs after.
    int p = r.nextInt(leader.size() + 1);
    List<Entry> learner = new ArrayList<>(leader.subList(0, p));
    long learnerSnapshot = p == 0 ? 0 : r.nextInt(3) == 0 ? 0 : leader.get(r.nextInt(p)).zxid();
    boolean endsRun =
        p > 0
            && (p == leader.size()
                || Zxid.epochOf(leader.get(p).zxid()) != Zxid.epochOf(leader.get(p - 1).zxid()));
    if (endsRun && r.nextBoolean()) {
      Entry lastShared = leader.get(p - 1);
      long e = Zxid.epochOf(lastShared.zxid());
      for (int k = 1, n = 1 + r.nextInt(3); k <= n; k++) {
        learner.add(foreign(e, Zxid.counterOf(lastShared.zxid()) + k));
      }
    }
    if (r.nextBoolean()) {
      long lastEpoch = learner.isEmpty() ? 0 : Zxid.epochOf(learner.get(learner.size() - 1).zxid());
      for (long e = lastEpoch + 1; e <= 9; e++) {
        if (!leaderEpochs.contains(e) && r.nextBoolean()) {
          for (int c = 1, n = 1 + r.nextInt(2); c <= n; c++) {
            learner.add(foreign(e, c));
          }
        }
      }
    }
    long learnerLast = learner.isEmpty() ? 0 : learner.get(learner.size() - 1).zxid();

    // Leader log, maybe compacted.
    HistoryLog log = new HistoryLog(Snapshot.EMPTY, leader);
    if (!leader.isEmpty() && r.nextBoolean()) {
      long s = leader.get(r.nextInt(leader.size())).zxid();
      log.compact(new Snapshot(s, new byte[0]), r.nextInt(4));
    }
    List<Long> points = new ArrayList<>();
    points.add(log.baseZxid());
    for (Entry e : log.range(log.baseZxid(), log.lastZxid())) {
      points.add(e.zxid());
    }
    points.removeIf(x -> x < log.snapshot().zxid());
    long target = points.get(r.nextInt(points.size()));

    String ctx =
        what
            + ": leader="
            + fmt(leader)
            + " snap="
            + Zxid.format(log.snapshot().zxid())
            + " base="
            + Zxid.format(log.baseZxid())
            + " learner="
            + fmt(learner)
            + " learnerSnap="
            + Zxid.format(learnerSnapshot)
            + " target="
            + Zxid.format(target);
    SyncPlan plan = SyncPlan.plan(log, learnerLast, learnerSnapshot, target);
    ctx += " plan=" + plan.mode() + "/" + Zxid.format(plan.truncZxid());

    assertThat(plan.target()).as(ctx).isEqualTo(target);
    List<Entry> result = new ArrayList<>();
    long base;
    switch (plan.mode()) {
      case DIFF -> {
        base = learnerLast;
        result.addAll(learner);
      }
      case TRUNC -> {
        base = plan.truncZxid();
        assertThat(base == learnerSnapshot || learner.stream().anyMatch(e -> e.zxid() == base))
            .as(ctx + ": TRUNC point is held by the learner")
            .isTrue();
        assertThat(base)
            .as(ctx + ": TRUNC below the learner's snapshot")
            .isGreaterThanOrEqualTo(learnerSnapshot);
        assertThat(log.contains(learnerLast) || Zxid.epochOf(base) == Zxid.epochOf(learnerLast))
            .as(ctx + ": TRUNC across an epoch boundary")
            .isTrue();
        learner.stream().filter(e -> e.zxid() <= base).forEach(result::add);
      }
      case SNAP -> {
        assertThat(plan.snapshot()).as(ctx).isSameAs(log.snapshot());
        base = plan.snapshot().zxid();
        leader.stream().filter(e -> e.zxid() <= base).forEach(result::add);
      }
      default -> throw new AssertionError(plan.mode());
    }
    assertThat(plan.entries())
        .as(ctx + ": entries are (base, target]")
        .isEqualTo(log.range(base, target));
    result.addAll(plan.entries());
    List<Entry> expected = leader.stream().filter(e -> e.zxid() <= target).toList();
    assertThat(result).as(ctx + ": learner history after the sync").isEqualTo(expected);
    return plan.mode();
  }

  /** An entry the leader never had (distinct payload, so equality tells it apart). */
  private static Entry foreign(long epoch, long counter) {
    return new Entry(Zxid.make(epoch, counter), "x".getBytes(StandardCharsets.UTF_8));
  }

  private static String fmt(List<Entry> l) {
    return l.stream().map(e -> Zxid.format(e.zxid())).toList().toString();
  }
}
