package io.zabtx.participant.branch;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.participant.branch.BranchCommand.Ack;
import io.zabtx.participant.branch.BranchCommand.LocalCommit;
import io.zabtx.participant.branch.BranchCommand.LocalRollback;
import io.zabtx.participant.branch.BranchCommand.Persist;
import io.zabtx.participant.branch.BranchCommand.QueryOutcome;
import io.zabtx.participant.branch.BranchCommand.Reject;
import io.zabtx.participant.branch.BranchCommand.ReportHeuristic;
import io.zabtx.participant.branch.BranchCommand.Vote;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * "A vote or acknowledgement leaves the participant only after the local transaction that records
 * it is durable", under duplicate, late and reordered messages and slow or failing durable steps.
 */
class DurabilityTest {

  private static final BranchKey K = Driver.key("8-1", 1);

  @Test
  void messagesArrivingDuringAStepWaitAndAreAnsweredInOrderAfterIt() {
    Driver d = new Driver();
    d.reach(K, BranchProtocol.THREE_PC, BranchState.ACTIVE);
    d.phase(K, BranchProtocol.THREE_PC, Phase.CAN_COMMIT);
    d.phase(K, BranchProtocol.THREE_PC, Phase.COMMIT); // reordered: overtook preCommit
    d.phase(K, BranchProtocol.THREE_PC, Phase.CAN_COMMIT); // duplicate
    List<BranchCommand> first = d.take();
    assertThat(first)
        .containsExactly(
            new Persist(
                K, BranchProtocol.THREE_PC, BranchState.READY, Driver.START + Driver.DEADLINE_IN));
    d.complete(first.get(0));
    List<BranchCommand> second = d.take();
    // YES for the first canCommit, then the commit starts its step; the duplicate waits behind it.
    assertThat(Driver.answers(second)).containsExactly("YES");
    assertThat(second.get(1)).isEqualTo(new LocalCommit(K, BranchState.COMMITTED));
    d.complete(second.get(1));
    assertThat(Driver.answers(d.take())).containsExactly("ACK:COMMITTED", "YES");
  }

  @Test
  void aFailedStepRejectsEveryWaitingMessageAndChangesNothing() {
    Driver d = new Driver();
    d.reach(K, BranchProtocol.TWO_PC, BranchState.ACTIVE);
    d.phase(K, BranchProtocol.TWO_PC, Phase.PREPARE);
    d.phase(K, BranchProtocol.TWO_PC, Phase.PREPARE);
    d.take();
    d.engine.persistFailed(K, "connection lost", d.now, d.out);
    assertThat(Driver.answers(d.take())).containsExactly("REJECT", "REJECT");
    assertThat(d.state(K)).isEqualTo(BranchState.ACTIVE);
    d.phase(K, BranchProtocol.TWO_PC, Phase.PREPARE);
    assertThat(Driver.answers(d.settle())).containsExactly("YES");
  }

  /**
   * Property: random phase messages (both protocols' and wrong ones), ticks, cluster answers and
   * durable steps completed late, out of order or failing. Every answer matches what is durable at
   * the moment it leaves, every request is answered exactly once, and a 2PC branch never reaches a
   * heuristic on its own.
   */
  @Test
  void everyAnswerReportsAlreadyDurableState() {
    long seed = Long.getLong("branch.seed", System.nanoTime());
    System.out.println("SEED=" + seed + " (replay with -Dbranch.seed=" + seed + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int run = 0; run < 200; run++) {
      new Run(rnd, seed, run).go();
    }
  }

  private static final class Run {
    final SplittableRandom rnd;
    final String where;
    final Driver d = new Driver();
    final BranchProtocol p;
    final Map<BranchKey, BranchState> durable = new HashMap<>();
    final List<BranchCommand> pendingSteps = new ArrayList<>();
    final List<BranchKey> pendingQueries = new ArrayList<>();
    final List<BranchKey> pendingReports = new ArrayList<>();
    final Set<Long> sent = new HashSet<>();
    final Set<Long> answered = new HashSet<>();
    final BranchKey[] keys = {Driver.key("8-1", 1), Driver.key("8-1", 2), Driver.key("8-2", 1)};

    Run(SplittableRandom rnd, long seed, int run) {
      this.rnd = rnd;
      this.where = "seed " + seed + " run " + run;
      this.p = rnd.nextBoolean() ? BranchProtocol.TWO_PC : BranchProtocol.THREE_PC;
    }

    void go() {
      for (int step = 0; step < 200; step++) {
        BranchKey k = keys[rnd.nextInt(keys.length)];
        int a = rnd.nextInt(100);
        if (a < 10) {
          if (d.engine.admitWork(k.xid(), k.branchId(), d.now).allowed()) {
            d.engine.workCommitted(k, p, d.now + rnd.nextLong(1, 5_000), d.now, d.out);
            durable.putIfAbsent(k, BranchState.ACTIVE);
          }
        } else if (a < 45) {
          Phase ph = Phase.values()[rnd.nextInt(Phase.values().length)];
          BranchProtocol mp = rnd.nextInt(10) == 0 ? other(p) : p;
          sent.add(d.phase(k, mp, ph));
        } else if (a < 75 && !pendingSteps.isEmpty()) {
          completeStep(pendingSteps.remove(rnd.nextInt(pendingSteps.size())));
        } else if (a < 85 && !pendingQueries.isEmpty()) {
          BranchKey q = pendingQueries.remove(rnd.nextInt(pendingQueries.size()));
          ClusterOutcome o = ClusterOutcome.values()[rnd.nextInt(4)];
          if (o == ClusterOutcome.ABORT && durable.get(q) == BranchState.PRECOMMITTED) {
            o = ClusterOutcome.COMMIT; // a correct cluster never aborts after the commit point
          }
          d.engine.outcome(q, o, d.now, d.out);
        } else if (a < 90 && !pendingReports.isEmpty()) {
          BranchKey r = pendingReports.remove(0);
          if (rnd.nextBoolean()) {
            d.engine.heuristicReported(r, d.now, d.out);
          } else {
            d.engine.heuristicReportFailed(r, d.now, d.out);
          }
        } else {
          d.now += rnd.nextLong(1, 3_000);
          d.tick();
        }
        check();
      }
      // Drain: every step completes, every request gets its answer.
      while (!pendingSteps.isEmpty()) {
        completeStep(pendingSteps.remove(0));
        check();
      }
      assertThat(answered).as(where).isEqualTo(sent);
    }

    void completeStep(BranchCommand c) {
      if (rnd.nextInt(10) == 0) {
        if (c instanceof Persist) {
          d.engine.persistFailed(c.key(), "injected", d.now, d.out);
        } else {
          d.engine.localStepFailed(c.key(), "injected", d.now, d.out);
        }
        return;
      }
      if (c instanceof Persist ps) {
        durable.put(c.key(), ps.state());
      } else if (c instanceof LocalCommit lc) {
        durable.put(c.key(), lc.finalState());
      } else if (c instanceof LocalRollback lr && rnd.nextInt(20) == 0) {
        durable.put(c.key(), BranchState.HEURISTIC_HAZARD);
        d.engine.rollbackHazard(c.key(), d.now, d.out);
        return;
      } else if (c instanceof LocalRollback lr) {
        durable.put(c.key(), lr.finalState());
      }
      d.complete(c);
    }

    void check() {
      for (BranchCommand c : d.take()) {
        BranchState s = durable.get(c.key());
        if (Driver.isDurableStep(c)) {
          pendingSteps.add(c);
        } else if (c instanceof QueryOutcome) {
          pendingQueries.add(c.key());
        } else if (c instanceof ReportHeuristic r) {
          if (r.state() != BranchState.HEURISTIC_HAZARD) {
            assertThat(p)
                .as(where + ": 2PC never decides alone")
                .isEqualTo(BranchProtocol.THREE_PC);
          } else {
            assertThat(s).as(where).isEqualTo(BranchState.HEURISTIC_HAZARD);
          }
          pendingReports.add(c.key());
        } else if (c instanceof Vote v) {
          answer(v.requestId());
          if (v.yes()) {
            assertThat(s)
                .as(where + ": YES for " + c.key())
                .isIn(
                    EnumSet.of(
                        BranchState.PREPARED,
                        BranchState.READY,
                        BranchState.PRECOMMITTED,
                        BranchState.COMMITTED));
          }
        } else if (c instanceof Ack k) {
          answer(k.requestId());
          assertThat(k.state()).as(where + ": ack for " + c.key()).isEqualTo(s);
        } else if (c instanceof Reject r) {
          answer(r.requestId());
        }
      }
    }

    void answer(long requestId) {
      assertThat(answered.add(requestId)).as(where + ": answered twice " + requestId).isTrue();
    }

    static BranchProtocol other(BranchProtocol p) {
      return p == BranchProtocol.TWO_PC ? BranchProtocol.THREE_PC : BranchProtocol.TWO_PC;
    }
  }
}
