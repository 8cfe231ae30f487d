package io.zabtx.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Message;
import io.zabtx.replication.core.Role;
import io.zabtx.replication.core.Zxid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Directed scenarios, each named for a fault that ZooKeeper itself once got wrong or for a rule of
 * DESIGN.md §2.2 that only a whole ensemble can show. They run on the same simulator as the
 * randomized test, so every invariant is checked after every event here too; the assertions below
 * add what each scenario is about.
 */
class ScenarioTest {

  private static final long SEED = 20261126L;

  /**
   * A follower logged a proposal that nobody else kept (the leader lost it in a crash), was cut off
   * while the others moved on to a new epoch, then rejoined: its extra entry must be cut off (TRUNC
   * within the epoch), never committed.
   */
  @Test
  void followerHoldingAProposalNobodyElseLoggedIsTruncatedWhenItRejoins() {
    Simulation sim = started(3);
    long leader = awaitLeader(sim);
    commit(sim, leader, 3);
    long a = follower(sim, leader, 0);
    long b = follower(sim, leader, 1);

    long x = proposeOnlyTo(sim, leader, a);
    sim.isolate(a);
    sim.crash(leader, 0); // the leader's copy of x was never synced
    sim.releaseSync(leader);
    sim.dropWhere(m -> false);
    sim.restart(leader);
    long newLeader = awaitLeader(sim);
    assertThat(newLeader).isNotEqualTo(a);
    commit(sim, newLeader, 2);
    assertThat(sim.node(a).durableLog()).extracting(Entry::zxid).contains(x);

    List<Message> syncs = new ArrayList<>();
    sim.recordDeliveries(m -> m instanceof Message.SyncStart && m.to() == a, syncs);
    sim.heal();
    assertThat(sim.runUntil(() -> converged(sim), 1_000)).as(sim.describe()).isTrue();

    assertThat(((Message.SyncStart) syncs.get(syncs.size() - 1)).mode())
        .isEqualTo(Message.SyncMode.TRUNC);
    assertThat(sim.node(a).durableLog()).extracting(Entry::zxid).doesNotContain(x);
    assertThat(sim.committedHistory()).extracting(Entry::zxid).doesNotContain(x);
    assertThat(sim.node(b).appliedCount()).isEqualTo(sim.committedHistory().size());
  }

  /**
   * ZOOKEEPER-2845: a node restarted with an uncommitted tail must not apply it, and a snapshot it
   * takes must not contain it, so that the TRUNC that follows leaves no trace of it.
   */
  @Test
  void aSnapshotNeverHoldsUncommittedStateSoATruncLeavesNoTrace() {
    Simulation sim = started(3);
    long leader = awaitLeader(sim);
    commit(sim, leader, 3);
    long a = follower(sim, leader, 0);
    sim.node(a).maybeSnapshot();
    long snapshotBefore = sim.node(a).durableSnapshot().zxid();

    long x = proposeOnlyTo(sim, leader, a);
    sim.isolate(a);
    sim.crash(a);
    sim.restart(a);
    sim.runTicks(5);
    assertThat(sim.node(a).appliedZxid()).isLessThan(x);
    sim.node(a).maybeSnapshot();
    assertThat(sim.node(a).durableSnapshot().zxid()).isLessThan(x).isEqualTo(snapshotBefore);

    sim.crash(leader, 0);
    sim.releaseSync(leader);
    sim.dropWhere(m -> false);
    sim.restart(leader);
    commit(sim, awaitLeader(sim), 2);
    sim.heal();
    assertThat(sim.runUntil(() -> converged(sim), 1_000)).as(sim.describe()).isTrue();
    assertThat(sim.node(a).durableLog()).extracting(Entry::zxid).doesNotContain(x);
  }

  /**
   * A follower persists the synced history and then currentEpoch; a crash at any point of that
   * sequence must never leave currentEpoch ahead of the history it stands for, or the node could
   * win an election it must lose.
   */
  @Test
  void crashAtEveryPointBetweenHistoryAndCurrentEpochWrites() {
    int writes = -1;
    for (int keep = 0; writes < 0 || keep <= writes; keep++) {
      Simulation sim = started(3);
      long leader = awaitLeader(sim);
      commit(sim, leader, 2);
      long b = follower(sim, leader, 0);
      sim.crash(b);
      commit(sim, leader, 3);
      // A new epoch without b, so that b's sync adopts a new currentEpoch.
      sim.crash(leader);
      sim.restart(leader);
      long leader2 = awaitLeader(sim);
      commit(sim, leader2, 2);
      long epoch = sim.node(leader2).core().currentEpoch();
      long synced = sim.node(leader2).core().lastZxid();

      sim.restart(b);
      assertThat(sim.runUntil(() -> sim.node(b).durableAcceptedEpoch() == epoch, 300)).isTrue();
      sim.holdSync(b);
      assertThat(sim.runUntil(() -> sim.node(b).core().currentEpoch() == epoch, 300))
          .as(sim.describe())
          .isTrue();
      writes = sim.unsyncedWrites(b);
      assertThat(writes).isGreaterThan(1); // history appends, then the epoch write
      sim.crash(b, keep);

      SimNode n = sim.node(b);
      if (n.durableCurrentEpoch() == epoch) {
        long durableLast =
            n.durableLog().isEmpty()
                ? n.durableSnapshot().zxid()
                : n.durableLog().get(n.durableLog().size() - 1).zxid();
        assertThat(durableLast)
            .as("history durable before currentEpoch")
            .isGreaterThanOrEqualTo(synced);
      }
      sim.releaseSync(b);
      sim.restart(b);
      assertThat(sim.runUntil(() -> converged(sim), 1_000)).as(sim.describe()).isTrue();
    }
  }

  /**
   * A follower's NEWLEADER ack must wait for its synced history to be durable. Here the new leader
   * needs exactly that follower for its quorum; the follower's disk stalls, so the leader must not
   * become established, and when both crash nothing committed is lost.
   */
  @Test
  void newLeaderIsNotEstablishedOnAHistoryThatIsNotDurableThenTheQuorumCrashes() {
    Simulation sim = started(3);
    long leader = awaitLeader(sim);
    commit(sim, leader, 3);
    long a = follower(sim, leader, 0);
    long b = follower(sim, leader, 1);
    sim.crash(b);
    commit(sim, leader, 3); // committed by leader and a; b lacks them
    List<Entry> committed = sim.committedHistory();

    sim.crash(a);
    sim.crash(leader);
    sim.restart(leader);
    sim.restart(b);
    assertThat(
            sim.runUntil(
                () -> sim.node(b).durableAcceptedEpoch() > sim.node(leader).durableCurrentEpoch(),
                500))
        .as(sim.describe())
        .isTrue();
    sim.holdSync(b);
    sim.runTicks(30);
    assertThat(sim.establishedLeader()).as(sim.describe()).isEqualTo(-1);

    sim.crash(b, 0);
    sim.crash(leader);
    sim.releaseSync(b);
    for (SimNode n : sim.nodes()) {
      sim.restart(n.sid());
    }
    assertThat(sim.runUntil(() -> converged(sim), 2_000)).as(sim.describe()).isTrue();
    assertThat(sim.committedHistory()).startsWith(committed.toArray(Entry[]::new));
  }

  /**
   * ZOOKEEPER-3023 family: a proposal that reaches a learner between NEWLEADER and its ack must be
   * logged and acknowledged; here the learner's ack is needed for the proposal to commit.
   */
  @Test
  void proposalBetweenNewLeaderAndItsAckIsKeptAndHonoured() {
    Simulation sim = started(3);
    long leader = awaitLeader(sim);
    commit(sim, leader, 2);
    long a = follower(sim, leader, 0);
    long b = follower(sim, leader, 1);
    sim.crash(b);
    commit(sim, leader, 2);

    sim.restart(b);
    sim.holdSync(b);
    awaitNewLeaderApplied(sim, b, leader);
    sim.holdSync(a); // a cannot ack either: only b's ack can commit x
    long x = sim.propose(leader, bytes("x"));
    assertThat(x).isPositive();
    assertThat(sim.runUntil(() -> sim.node(b).core().lastZxid() == x, 5)).isTrue();
    sim.releaseSync(b);
    assertThat(sim.runUntil(() -> sim.node(leader).core().commitZxid() >= x, 10))
        .as(sim.describe())
        .isTrue();
    sim.releaseSync(a);
    assertThat(sim.runUntil(() -> converged(sim), 500)).as(sim.describe()).isTrue();
    assertThat(sim.node(b).appliedZxid()).isGreaterThanOrEqualTo(x);
  }

  /**
   * A COMMIT for a proposal that the learner received after NEWLEADER can arrive before its
   * UPTODATE; the learner must commit it then, not drop it.
   */
  @Test
  void commitArrivingRightAfterNewLeaderAckIsApplied() {
    Simulation sim = started(3);
    long leader = awaitLeader(sim);
    commit(sim, leader, 2);
    long a = follower(sim, leader, 0);
    long b = follower(sim, leader, 1);
    sim.crash(b);
    commit(sim, leader, 2);

    List<Message> toB = new ArrayList<>();
    sim.recordDeliveries(
        m -> m.to() == b && (m instanceof Message.Commit || m instanceof Message.UpToDate), toB);
    sim.restart(b);
    sim.holdSync(b);
    awaitNewLeaderApplied(sim, b, leader);
    long x = sim.propose(leader, bytes("x"));
    assertThat(sim.runUntil(() -> sim.node(b).core().commitZxid() >= x, 10))
        .as(sim.describe())
        .isTrue();
    assertThat(toB).isNotEmpty();
    assertThat(toB.get(0)).isInstanceOf(Message.Commit.class); // before UPTODATE
    sim.releaseSync(b);
    assertThat(sim.runUntil(() -> converged(sim), 500)).as(sim.describe()).isTrue();
    assertThat(sim.node(b).appliedZxid()).isGreaterThanOrEqualTo(x);
    assertThat(a).isNotEqualTo(b);
  }

  /** A restarted node joins the established leader without forcing a new election. */
  @Test
  void restartedNodeJoinsTheEstablishedEnsembleWithoutANewEpoch() {
    Simulation sim = started(5);
    long leader = awaitLeader(sim);
    commit(sim, leader, 3);
    long b = follower(sim, leader, 2);
    sim.crash(b);
    commit(sim, leader, 5);
    int epochs = sim.leaderByEpoch().size();
    sim.restart(b);
    assertThat(sim.runUntil(() -> converged(sim), 500)).as(sim.describe()).isTrue();
    assertThat(sim.leaderByEpoch()).hasSize(epochs);
    assertThat(sim.establishedLeader()).isEqualTo(leader);
    assertThat(sim.node(b).core().role()).isEqualTo(Role.FOLLOWING);
  }

  /** Rule 7: a leader cut off from its quorum steps down; the majority elects a new one. */
  @Test
  void leaderCutOffFromItsQuorumStepsDownAndItsUncommittedProposalIsCut() {
    Simulation sim = started(3);
    long leader = awaitLeader(sim);
    commit(sim, leader, 2);
    sim.isolate(leader);
    long stale = sim.propose(leader, bytes("never"));
    assertThat(stale).isPositive();
    int syncLimit = sim.node(leader).core().config().syncLimitTicks();
    assertThat(sim.runUntil(() -> sim.node(leader).core().role() != Role.LEADING, syncLimit + 2))
        .isTrue();
    long newLeader = awaitLeader(sim);
    assertThat(newLeader).isNotEqualTo(leader);
    commit(sim, newLeader, 2);
    sim.heal();
    assertThat(sim.runUntil(() -> converged(sim), 1_000)).as(sim.describe()).isTrue();
    assertThat(sim.committedHistory()).extracting(Entry::zxid).doesNotContain(stale);
    assertThat(sim.node(leader).durableLog()).extracting(Entry::zxid).doesNotContain(stale);
  }

  /** Rule 1: exhausting the zxid counter forces a new epoch, and proposals continue in it. */
  @Test
  void zxidCounterExhaustionForcesANewEpoch() {
    SimOptions calm = SimOptions.calm(3, 0);
    SimOptions options =
        new SimOptions(
            calm.voters(),
            calm.observers(),
            calm.minDelay(),
            calm.maxDelay(),
            calm.fsyncDelayMax(),
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            false,
            0,
            3,
            calm.syncBatch(),
            calm.retain());
    Simulation sim = new Simulation(SEED, options);
    sim.startAll();
    long leader = awaitLeader(sim);
    long epoch = sim.node(leader).core().currentEpoch();
    commit(sim, leader, 3);
    assertThat(sim.propose(leader, bytes("4th"))).isEqualTo(-1);
    long next = awaitLeader(sim);
    assertThat(sim.node(next).core().currentEpoch()).isGreaterThan(epoch);
    commit(sim, next, 2);
    List<Entry> h = sim.committedHistory();
    assertThat(Zxid.epochOf(h.get(h.size() - 1).zxid())).isGreaterThan(epoch);
    assertThat(Zxid.counterOf(h.get(h.size() - 1).zxid())).isLessThanOrEqualTo(3);
  }

  /** Rule 8: observers learn every commit but never vote: two observers are no quorum. */
  @Test
  void observersLearnCommitsButNeverVote() {
    Simulation sim = started(3, 2);
    long leader = awaitLeader(sim);
    commit(sim, leader, 4);
    assertThat(sim.runUntil(() -> converged(sim), 500)).isTrue();
    assertThat(sim.node(4).appliedCount()).isEqualTo(sim.committedHistory().size());
    assertThat(sim.node(5).appliedCount()).isEqualTo(sim.committedHistory().size());

    List<Message> fromObservers = new ArrayList<>();
    sim.recordDeliveries(
        m ->
            m.from() >= 4
                && (m instanceof Message.Ack || (m instanceof Message.AckEpoch ae && ae.fresh())),
        fromObservers);
    long a = follower(sim, leader, 0);
    sim.crash(a);
    sim.crash(leader);
    sim.runTicks(300);
    assertThat(sim.establishedLeader()).isEqualTo(-1); // 1 voter + 2 observers is no quorum
    assertThat(sim.node(4).core().role()).isNotEqualTo(Role.LEADING);
    sim.restart(a);
    sim.restart(leader);
    commit(sim, awaitLeader(sim), 2);
    assertThat(sim.runUntil(() -> converged(sim), 1_000)).as(sim.describe()).isTrue();
    assertThat(fromObservers).isEmpty();
  }

  // ---- helpers ----

  private static Simulation started(int voters) {
    return started(voters, 0);
  }

  private static Simulation started(int voters, int observers) {
    Simulation sim = new Simulation(SEED, SimOptions.calm(voters, observers));
    sim.startAll();
    return sim;
  }

  private static long awaitLeader(Simulation sim) {
    assertThat(sim.runUntil(() -> sim.establishedLeader() > 0, 1_000))
        .as("a leader is established: " + sim.describe())
        .isTrue();
    return sim.establishedLeader();
  }

  /**
   * Commits {@code count} entries through {@code leader} and waits until the leader applied them.
   */
  private static void commit(Simulation sim, long leader, int count) {
    for (int i = 0; i < count; i++) {
      long z = sim.propose(leader, bytes("e" + sim.now() + "-" + i));
      assertThat(z).as("proposal accepted by " + leader + ": " + sim.describe()).isPositive();
      assertThat(sim.runUntil(() -> sim.node(leader).appliedZxid() >= z, 200))
          .as("commit of " + Zxid.format(z) + ": " + sim.describe())
          .isTrue();
    }
  }

  /** The i-th follower (by sid) of {@code leader}. */
  private static long follower(Simulation sim, long leader, int i) {
    return sim.nodes().stream()
        .filter(n -> n.sid() != leader && n.core() != null && n.core().config().isVoter())
        .skip(i)
        .findFirst()
        .orElseThrow()
        .sid();
  }

  /**
   * Proposes one entry that reaches only {@code follower}, which makes it durable. The leader's
   * disk is left held, so its own copy is still volatile; the caller crashes it.
   */
  private static long proposeOnlyTo(Simulation sim, long leader, long follower) {
    sim.dropWhere(m -> m instanceof Message.Proposal && m.to() != follower);
    sim.holdSync(leader);
    long x = sim.propose(leader, bytes("x"));
    assertThat(x).isPositive();
    assertThat(
            sim.runUntil(
                () ->
                    sim.node(follower).core().lastZxid() == x && sim.unsyncedWrites(follower) == 0,
                50))
        .isTrue();
    return x;
  }

  /** Waits until {@code learner} processed NEWLEADER from {@code leader} (its writes held). */
  private static void awaitNewLeaderApplied(Simulation sim, long learner, long leader) {
    long epoch = sim.node(leader).core().currentEpoch();
    assertThat(
            sim.runUntil(
                () ->
                    sim.node(learner).core() != null
                        && sim.node(learner).core().role() == Role.FOLLOWING
                        && sim.node(learner).core().currentEpoch() == epoch
                        && sim.node(learner).core().lastZxid() == sim.node(leader).core().lastZxid()
                        && sim.unsyncedWrites(learner) > 0,
                300))
        .as(sim.describe())
        .isTrue();
  }

  /** Every node is up and has applied the whole committed history under one leader. */
  private static boolean converged(Simulation sim) {
    long leader = sim.establishedLeader();
    if (leader < 0) {
      return false;
    }
    int size = sim.committedHistory().size();
    for (SimNode n : sim.nodes()) {
      // Entries apply before this node's own fsync (they are durable on a quorum), so the disks
      // must have caught up too before a test looks at them.
      if (!n.isUp()
          || n.appliedCount() != size
          || n.core().leaderId() != leader
          || sim.unsyncedWrites(n.sid()) > 0) {
        return false;
      }
    }
    return sim.node(leader).core().commitZxid() == sim.node(leader).core().lastZxid();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
