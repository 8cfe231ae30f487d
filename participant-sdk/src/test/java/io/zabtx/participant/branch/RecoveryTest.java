package io.zabtx.participant.branch;

import static io.zabtx.participant.branch.Driver.HEURISTIC_AFTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.participant.branch.BranchCommand.LocalCommit;
import io.zabtx.participant.branch.BranchCommand.LocalRollback;
import io.zabtx.participant.branch.BranchCommand.QueryOutcome;
import io.zabtx.participant.branch.BranchCommand.ReportHeuristic;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A restarted participant resumes every branch from its dtx_branch rows. */
class RecoveryTest {

  private static final BranchKey K = Driver.key("4-4", 3);

  private static BranchProtocol protocolOf(BranchState s) {
    return s == BranchState.PREPARED ? BranchProtocol.TWO_PC : BranchProtocol.THREE_PC;
  }

  @ParameterizedTest
  @EnumSource(
      value = BranchState.class,
      names = {"ACTIVE", "PREPARED", "READY", "PRECOMMITTED"})
  void beforeItsDeadlineABranchWaitsAndAnswersPhaseMessages(BranchState s) {
    Driver d = new Driver();
    long deadline = d.now + 5_000;
    d.engine.recover(List.of(new DurableBranch(K, protocolOf(s), s, deadline)), d.now, d.out);
    assertThat(d.take()).isEmpty();
    assertThat(d.state(K)).isEqualTo(s);
    d.phase(K, protocolOf(s), Phase.COMMIT);
    List<String> a = Driver.answers(d.settle());
    assertThat(a).containsExactly(s == BranchState.ACTIVE ? "REJECT" : "ACK:COMMITTED");
  }

  @Test
  void activePastItsDeadlineIsAbortedOnRecovery() {
    Driver d = new Driver();
    d.engine.recover(
        List.of(new DurableBranch(K, BranchProtocol.TWO_PC, BranchState.ACTIVE, d.now)),
        d.now,
        d.out);
    assertThat(d.take()).containsExactly(new LocalRollback(K, BranchState.ABORTED));
  }

  @ParameterizedTest
  @EnumSource(
      value = BranchState.class,
      names = {"PREPARED", "READY", "PRECOMMITTED"})
  void votedBranchPastItsDeadlineAsksTheClusterOnRecovery(BranchState s) {
    Driver d = new Driver();
    d.engine.recover(List.of(new DurableBranch(K, protocolOf(s), s, d.now - 1)), d.now, d.out);
    assertThat(d.take()).containsExactly(new QueryOutcome(K));
  }

  @Test
  void theHeuristicClockRunsFromTheDurableDeadlineAcrossRestarts() {
    Driver d = new Driver();
    long deadline = d.now - HEURISTIC_AFTER;
    d.engine.recover(
        List.of(
            new DurableBranch(K, BranchProtocol.THREE_PC, BranchState.PRECOMMITTED, deadline),
            new DurableBranch(
                Driver.key("4-5", 1), BranchProtocol.THREE_PC, BranchState.READY, deadline + 1)),
        d.now,
        d.out);
    assertThat(d.take())
        .containsExactly(
            new LocalCommit(K, BranchState.HEURISTIC_COMMIT),
            new QueryOutcome(Driver.key("4-5", 1)));
  }

  @Test
  void unreportedHeuristicsAreReportedAgainAndTombstonesStillRefuseWork() {
    Driver d = new Driver();
    BranchKey tomb = Driver.key("4-6", 1);
    d.engine.recover(
        List.of(
            new DurableBranch(K, BranchProtocol.THREE_PC, BranchState.HEURISTIC_ABORT, 0),
            new DurableBranch(tomb, BranchProtocol.TWO_PC, BranchState.ABORTED, 0)),
        d.now,
        d.out);
    assertThat(d.take()).containsExactly(new ReportHeuristic(K, BranchState.HEURISTIC_ABORT));
    assertThat(d.engine.admitWork(tomb.xid(), 2, d.now).allowed()).isFalse();
  }

  @Test
  void recoverRejectsDuplicatesAndANonEmptyEngine() {
    Driver d = new Driver();
    DurableBranch row = new DurableBranch(K, BranchProtocol.TWO_PC, BranchState.ACTIVE, d.now + 9);
    assertThatThrownBy(() -> d.engine.recover(List.of(row, row), d.now, d.out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("appears twice");
    assertThat(d.engine.size()).isZero();
    d.engine.recover(List.of(row), d.now, d.out);
    assertThatThrownBy(() -> d.engine.recover(List.of(), d.now, d.out))
        .isInstanceOf(IllegalStateException.class);
  }
}
