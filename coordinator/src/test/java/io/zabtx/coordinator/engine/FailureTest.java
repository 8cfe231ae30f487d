package io.zabtx.coordinator.engine;

import static io.zabtx.coordinator.model.TxProtocol.THREE_PHASE;
import static io.zabtx.coordinator.model.TxProtocol.TWO_PHASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.engine.Command.Propose;
import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A message lost at every point, and failed proposals. */
class FailureTest {

  private final EngineDriver d = new EngineDriver().lead(1);

  @ParameterizedTest
  @EnumSource(names = {"TWO_PHASE", "THREE_PHASE"})
  void a_lost_phase_one_message_aborts(io.zabtx.coordinator.model.TxProtocol protocol) {
    Xid xid = d.active(protocol, 2);
    long commit = d.commit(xid);
    Phase phase = protocol == TWO_PHASE ? Phase.PREPARE : Phase.CAN_COMMIT;
    d.fail(xid, 2, phase);
    assertThat(((Failure) d.answer(commit)).message())
        .contains("could not deliver " + phase + " to branch 2 at p2:9000: connection refused");
    assertThat(d.sends(Phase.ABORT)).hasSize(2);
  }

  @Test
  void a_lost_commit_is_resent_with_doubling_backoff_until_acked() {
    Xid xid = d.active(TWO_PHASE, 2);
    d.commit(xid);
    d.allYes(xid, 2).durable(d.proposal(DecisionRecord.class));
    long[] expectedDelays = {100, 200, 400, 800, 800};
    for (long delay : expectedDelays) {
      d.fail(xid, 1, Phase.COMMIT);
      d.advance(delay - 1);
      assertThat(d.sends()).isEmpty();
      d.advance(1);
      assertThat(d.sends(Phase.COMMIT)).extracting(Command.Send::branchId).containsExactly(1);
    }
    d.ackAll(xid, 2, Phase.COMMIT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTED);
    assertThat(d.allSends(xid, Phase.COMMIT)).hasSize(2 + expectedDelays.length);
  }

  @Test
  void lost_precommit_and_docommit_are_resent_in_three_phase() {
    Xid xid = d.active(THREE_PHASE, 2);
    d.commit(xid);
    d.allYes(xid, 2).durable(d.proposal(PreCommitRecord.class));
    d.fail(xid, 2, Phase.PRE_COMMIT);
    d.ack(xid, 1, Phase.PRE_COMMIT);
    d.advance(EngineDriver.RETRY_MIN);
    assertThat(d.sends(Phase.PRE_COMMIT)).extracting(Command.Send::branchId).containsExactly(2);
    d.ack(xid, 2, Phase.PRE_COMMIT);
    assertThat(d.sends(Phase.COMMIT)).hasSize(2);
    d.fail(xid, 1, Phase.COMMIT);
    d.ack(xid, 2, Phase.COMMIT);
    d.advance(EngineDriver.RETRY_MIN);
    assertThat(d.sends(Phase.COMMIT)).extracting(Command.Send::branchId).containsExactly(1);
    d.ack(xid, 1, Phase.COMMIT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTED);
  }

  @Test
  void a_lost_abort_is_retried_then_given_up_after_the_allowed_attempts() {
    Xid xid = d.active(TWO_PHASE, 2);
    d.rollback(xid);
    d.ack(xid, 2, Phase.ABORT);
    for (int attempt = 1; attempt < EngineDriver.ABORT_ATTEMPTS; attempt++) {
      d.fail(xid, 1, Phase.ABORT);
      d.advance(EngineDriver.RETRY_MAX);
      assertThat(d.sends(Phase.ABORT)).hasSize(1);
    }
    d.fail(xid, 1, Phase.ABORT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.ABORTED);
    assertThat(d.allSends(xid, Phase.ABORT)).hasSize(1 + EngineDriver.ABORT_ATTEMPTS);
  }

  @Test
  void commit_point_not_logged_is_proposed_again_and_never_aborted() {
    Xid xid = d.active(TWO_PHASE, 1);
    long commit = d.commit(xid);
    d.vote(xid, 1, Vote.YES);
    Propose first = d.proposal(DecisionRecord.class);
    d.recordFailed(first, false);
    assertThat(d.answer(commit)).isNull();
    d.advance(EngineDriver.OVERLOAD_RETRY + EngineDriver.DEFAULT_TIMEOUT);
    Propose again = d.proposal(DecisionRecord.class);
    assertThat(again.proposalId()).isNotEqualTo(first.proposalId());
    assertThat(d.allSends(xid, Phase.ABORT)).isEmpty();
    d.durable(again);
    assertThat(d.answer(commit)).isEqualTo(new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT));
  }

  @Test
  void commit_point_that_may_be_logged_answers_outcome_unknown_and_decides_nothing() {
    Xid xid = d.active(TWO_PHASE, 1);
    long commit = d.commit(xid);
    d.vote(xid, 1, Vote.YES);
    Propose p = d.proposal(DecisionRecord.class);
    long rollback = d.rollback(xid);
    assertThat(d.answer(rollback)).as("waits for the proposal").isNull();
    d.recordFailed(p, true);
    assertThat(((Failure) d.answer(commit)).code()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
    assertThat(((Failure) d.answer(rollback)).code()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
    d.advance(EngineDriver.DEFAULT_TIMEOUT * 2);
    assertThat(d.sends()).as("neither ABORT nor phase 2").isEmpty();
    assertThat(d.proposals()).noneMatch(q -> q.record() instanceof DecisionRecord);
    assertThat(((Failure) d.answer(d.commit(xid))).code()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
    assertThat(d.query(xid)).isEqualTo(new Status(xid, TxStatus.PREPARING, Outcome.UNDECIDED));
  }

  @Test
  void a_failed_completed_record_is_proposed_again() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.commit(xid);
    d.allYes(xid, 1).durable(d.proposal(DecisionRecord.class)).ack(xid, 1, Phase.COMMIT);
    d.advance(50);
    d.recordFailed(d.proposal(CompletedRecord.class), false);
    d.advance(50);
    assertThat(((CompletedRecord) d.proposal(CompletedRecord.class).record()).xids())
        .containsExactly(xid);
  }

  @Test
  void failures_of_unknown_or_finished_sends_are_ignored() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.fail(xid, 1, Phase.COMMIT);
    d.fail(xid, 9, Phase.PREPARE);
    d.fail(new Xid(1, 99), 1, Phase.ABORT);
    d.engine.recordDurable(12345, d.now, new Effects());
    assertThat(d.last).isEmpty();
    assertThat(d.status(xid)).isEqualTo(TxStatus.ACTIVE);
  }
}
