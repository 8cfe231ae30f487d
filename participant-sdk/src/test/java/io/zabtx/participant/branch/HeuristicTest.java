package io.zabtx.participant.branch;

import static io.zabtx.participant.branch.Driver.DEADLINE_IN;
import static io.zabtx.participant.branch.Driver.HEURISTIC_AFTER;
import static io.zabtx.participant.branch.Driver.MIN_BACKOFF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.participant.branch.BranchCommand.LocalCommit;
import io.zabtx.participant.branch.BranchCommand.LocalRollback;
import io.zabtx.participant.branch.BranchCommand.QueryOutcome;
import io.zabtx.participant.branch.BranchCommand.ReportHeuristic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** READY and PRECOMMITTED past their deadline: ask, then decide alone after heuristic-after. */
class HeuristicTest {

  private static final BranchKey K = Driver.key("5-4", 1);
  private static final BranchProtocol P = BranchProtocol.THREE_PC;

  /** Ticks every millisecond from the deadline to {@code until}, answering queries UNREACHABLE. */
  private static void silentUntil(Driver d, long until) {
    while (d.now < until) {
      d.tick();
      for (BranchCommand c : d.take()) {
        assertThat(c).isInstanceOf(QueryOutcome.class);
        d.engine.outcome(K, ClusterOutcome.UNREACHABLE, d.now, d.out);
      }
      d.now++;
    }
  }

  @Test
  void readyAbortsAloneExactlyAtDeadlinePlusHeuristicAfter() {
    Driver d = new Driver();
    d.reach(K, P, BranchState.READY);
    long deadline = d.now + DEADLINE_IN;
    silentUntil(d, deadline + HEURISTIC_AFTER);
    assertThat(d.state(K)).isEqualTo(BranchState.READY); // one ms before: still asking
    d.tick();
    assertThat(d.take()).containsExactly(new LocalRollback(K, BranchState.HEURISTIC_ABORT));
    d.engine.rolledBack(K, d.now, d.out);
    assertThat(d.state(K)).isEqualTo(BranchState.HEURISTIC_ABORT);
    assertThat(d.take()).containsExactly(new ReportHeuristic(K, BranchState.HEURISTIC_ABORT));
  }

  @Test
  void precommittedCommitsAloneExactlyAtDeadlinePlusHeuristicAfter() {
    Driver d = new Driver();
    d.reach(K, P, BranchState.PRECOMMITTED);
    long deadline = d.now + DEADLINE_IN;
    silentUntil(d, deadline + HEURISTIC_AFTER);
    assertThat(d.state(K)).isEqualTo(BranchState.PRECOMMITTED);
    d.tick();
    assertThat(d.take()).containsExactly(new LocalCommit(K, BranchState.HEURISTIC_COMMIT));
    d.engine.localCommitted(K, d.now, d.out);
    assertThat(d.state(K)).isEqualTo(BranchState.HEURISTIC_COMMIT);
    assertThat(d.take()).containsExactly(new ReportHeuristic(K, BranchState.HEURISTIC_COMMIT));
  }

  @Test
  void anAnswerInTimeDecidesNormally() {
    Driver d = new Driver();
    d.reach(K, P, BranchState.READY);
    silentUntil(d, d.now + DEADLINE_IN + HEURISTIC_AFTER - MIN_BACKOFF);
    d.tick();
    d.take();
    d.engine.outcome(K, ClusterOutcome.ABORT, d.now, d.out);
    assertThat(d.take()).containsExactly(new LocalRollback(K, BranchState.ABORTED));
    d.engine.rolledBack(K, d.now, d.out);
    assertThat(d.state(K)).isEqualTo(BranchState.ABORTED);
    assertThat(d.take()).isEmpty();
  }

  @Test
  void aLateAnswerAfterTheHeuristicChangesNothing() {
    Driver d = new Driver();
    d.reach(K, P, BranchState.PRECOMMITTED);
    d.now += DEADLINE_IN;
    d.tick();
    assertThat(d.take()).containsExactly(new QueryOutcome(K)); // its answer will be late
    d.now += HEURISTIC_AFTER;
    d.tick();
    assertThat(d.take()).containsExactly(new LocalCommit(K, BranchState.HEURISTIC_COMMIT));
    d.engine.outcome(K, ClusterOutcome.COMMIT, d.now, d.out);
    assertThat(d.take()).isEmpty();
    d.engine.localCommitted(K, d.now, d.out);
    d.take();
    d.engine.outcome(K, ClusterOutcome.ABORT, d.now, d.out);
    assertThat(d.take()).isEmpty();
    assertThat(d.state(K)).isEqualTo(BranchState.HEURISTIC_COMMIT);
  }

  @Test
  void anUndecidedQuorumAnswerRestartsTheHeuristicWindow() {
    Driver d = new Driver();
    d.reach(K, P, BranchState.READY);
    d.now += DEADLINE_IN + HEURISTIC_AFTER - 1;
    d.tick();
    assertThat(d.take()).containsExactly(new QueryOutcome(K));
    d.engine.outcome(K, ClusterOutcome.UNDECIDED, d.now, d.out);
    long answeredAt = d.now;
    silentUntil(d, answeredAt + HEURISTIC_AFTER);
    assertThat(d.state(K)).isEqualTo(BranchState.READY);
    d.tick();
    assertThat(d.take()).contains(new LocalRollback(K, BranchState.HEURISTIC_ABORT));
  }

  @Test
  void precommittedIgnoresAnAbortAnswerThatContradictsTheCommitPoint() {
    Driver d = new Driver();
    d.reach(K, P, BranchState.PRECOMMITTED);
    d.now += DEADLINE_IN;
    d.tick();
    d.take();
    d.engine.outcome(K, ClusterOutcome.ABORT, d.now, d.out);
    assertThat(d.take()).isEmpty();
    assertThat(d.state(K)).isEqualTo(BranchState.PRECOMMITTED);
  }

  @Test
  void theReportIsRetriedWithBackoffUntilAcknowledged() {
    Driver d = new Driver();
    d.reach(K, P, BranchState.HEURISTIC_ABORT); // report in flight
    d.engine.heuristicReportFailed(K, d.now, d.out);
    d.now += MIN_BACKOFF - 1;
    d.tick();
    assertThat(d.take()).isEmpty();
    d.now += 1;
    d.tick();
    assertThat(d.take()).containsExactly(new ReportHeuristic(K, BranchState.HEURISTIC_ABORT));
    d.engine.heuristicReportFailed(K, d.now, d.out);
    d.now += MIN_BACKOFF; // doubled: not yet
    d.tick();
    assertThat(d.take()).isEmpty();
    d.now += MIN_BACKOFF;
    d.tick();
    assertThat(d.take()).containsExactly(new ReportHeuristic(K, BranchState.HEURISTIC_ABORT));
    d.engine.heuristicReported(K, d.now, d.out);
    d.now += 10 * Driver.MAX_BACKOFF;
    d.tick();
    assertThat(d.take()).isEmpty();
    assertThatThrownBy(() -> d.engine.heuristicReported(K, d.now, d.out))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no heuristic report in flight");
  }

  @Test
  void rollbackHazardIsReportedAndAnsweredTruthfully() {
    Driver d = new Driver();
    d.reach(K, BranchProtocol.TWO_PC, BranchState.PREPARED);
    d.phase(K, BranchProtocol.TWO_PC, Phase.ABORT);
    assertThat(d.take()).containsExactly(new LocalRollback(K, BranchState.ABORTED));
    d.engine.rollbackHazard(K, d.now, d.out);
    List<BranchCommand> c = d.take();
    assertThat(c.get(0)).isEqualTo(new ReportHeuristic(K, BranchState.HEURISTIC_HAZARD));
    assertThat(Driver.answers(c)).containsExactly("ACK:HEURISTIC_HAZARD");
  }
}
