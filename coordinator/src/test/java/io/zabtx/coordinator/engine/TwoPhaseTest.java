package io.zabtx.coordinator.engine;

import static io.zabtx.coordinator.model.TxProtocol.TWO_PHASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Answer.Begun;
import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.engine.Command.Propose;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.BranchView;
import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.PhaseEvent;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import org.junit.jupiter.api.Test;

/** 2PC: prepare in parallel, Decision, answer, commit in parallel, Completed. */
class TwoPhaseTest {

  private final EngineDriver d = new EngineDriver().lead(3);

  @Test
  void begin_mints_xids_of_the_epoch_in_order_with_the_deadline() {
    Answer a = d.answer(d.beginRequest(TWO_PHASE, 0, "first"));
    assertThat(a).isEqualTo(new Begun(new Xid(3, 1), TWO_PHASE, EngineDriver.T0 + 10_000));
    assertThat(d.begin(TWO_PHASE)).isEqualTo(new Xid(3, 2));
    assertThat(d.status(new Xid(3, 1))).isEqualTo(TxStatus.ACTIVE);
    assertThat(d.engine.stats().begun2pc()).isEqualTo(2);
  }

  @Test
  void commit_prepares_every_branch_at_once_with_the_vote_timeout() {
    Xid xid = d.active(TWO_PHASE, 3);
    d.commit(xid);
    assertThat(d.sends(Phase.PREPARE)).extracting(Command.Send::branchId).containsExactly(1, 2, 3);
    assertThat(d.sends()).allMatch(s -> s.timeoutMillis() == EngineDriver.VOTE_TIMEOUT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.PREPARING);
  }

  @Test
  void all_yes_logs_the_decision_then_answers_then_commits_every_branch() {
    Xid xid = d.active(TWO_PHASE, 2);
    long commit = d.commit(xid);
    d.vote(xid, 1, Vote.YES);
    assertThat(d.proposals()).isEmpty();
    d.vote(xid, 2, Vote.YES);
    Propose p = d.proposal(DecisionRecord.class);
    DecisionRecord r = (DecisionRecord) p.record();
    assertThat(r.xid()).isEqualTo(xid);
    assertThat(r.branches()).hasSize(2);
    assertThat(d.answer(commit)).as("no answer before the decision is durable").isNull();
    assertThat(d.sends()).isEmpty();

    d.durable(p);
    assertThat(d.answer(commit)).isEqualTo(new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT));
    assertThat(d.sends(Phase.COMMIT)).extracting(Command.Send::branchId).containsExactly(1, 2);
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTING);
    assertThat(d.engine.stats().phase2Backlog()).isEqualTo(2);

    d.ack(xid, 1, Phase.COMMIT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTING);
    d.ack(xid, 2, Phase.COMMIT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTED);
    assertThat(d.engine.stats().phase2Backlog()).isZero();
    assertThat(d.engine.stats().committed2pc()).isEqualTo(1);
    assertThat(d.engine.view(xid).branches())
        .extracting(BranchView::status)
        .containsOnly(BranchStatus.COMMITTED);
  }

  @Test
  void completed_is_batched_until_the_flush_time_then_logged() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.commit(xid);
    d.vote(xid, 1, Vote.YES);
    d.durable(d.proposal(DecisionRecord.class));
    d.ack(xid, 1, Phase.COMMIT);
    assertThat(d.proposals()).isEmpty();
    d.advance(49);
    assertThat(d.proposals()).isEmpty();
    d.advance(1);
    Propose c = d.proposal(CompletedRecord.class);
    assertThat(((CompletedRecord) c.record()).xids()).containsExactly(xid);
    d.durable(c);
    assertThat(d.log.find(xid).completed()).isTrue();
    assertThat(d.engine.view(xid).timeline())
        .extracting(PhaseEvent::phase)
        .containsExactly(
            "BEGUN",
            "BRANCH_REGISTERED",
            "COMMIT_REQUESTED",
            "VOTES_COLLECTED",
            "DECISION_LOGGED",
            "COMMIT_ACKED",
            "COMPLETED");
  }

  @Test
  void completed_batch_is_proposed_at_once_when_full() {
    for (int i = 0; i < 3; i++) {
      Xid xid = d.active(TWO_PHASE, 1);
      d.commit(xid);
      d.vote(xid, 1, Vote.YES);
      d.durable(d.proposal(DecisionRecord.class));
      d.ack(xid, 1, Phase.COMMIT);
    }
    assertThat(((CompletedRecord) d.proposal(CompletedRecord.class).record()).xids()).hasSize(3);
  }

  @Test
  void wait_for_completion_answers_after_every_ack() {
    Xid xid = d.active(TWO_PHASE, 2);
    long plain = d.commit(xid);
    long waiting = d.commit(xid, true);
    d.allYes(xid, 2).durable(d.proposal(DecisionRecord.class));
    assertThat(d.answer(plain)).isEqualTo(new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT));
    assertThat(d.answer(waiting)).isNull();
    d.ackAll(xid, 2, Phase.COMMIT);
    assertThat(d.answer(waiting)).isEqualTo(new Status(xid, TxStatus.COMMITTED, Outcome.COMMIT));
  }

  @Test
  void a_no_vote_aborts_and_tells_every_branch_including_the_one_that_voted_no() {
    Xid xid = d.active(TWO_PHASE, 3);
    long commit = d.commit(xid);
    d.vote(xid, 1, Vote.YES);
    d.vote(xid, 2, Vote.NO);
    assertThat(d.answer(commit))
        .isEqualTo(
            new Failure(
                ErrorCode.TX_ABORTED,
                "transaction " + xid + " aborted: branch 2 voted NO: insufficient funds"));
    assertThat(d.sends(Phase.ABORT)).extracting(Command.Send::branchId).containsExactly(1, 2, 3);
    assertThat(d.proposals()).as("aborts are not logged").isEmpty();
    assertThat(d.status(xid)).isEqualTo(TxStatus.ABORTING);
    assertThat(d.engine.view(xid).abortReason()).isEqualTo("branch 2 voted NO: insufficient funds");
    d.vote(xid, 3, Vote.YES); // late: ignored
    assertThat(d.last).isEmpty();
    d.ackAll(xid, 3, Phase.ABORT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.ABORTED);
    assertThat(d.engine.stats().aborted2pc()).isEqualTo(1);
  }

  @Test
  void commit_without_branches_still_logs_the_commit_point() {
    Xid xid = d.begin(TWO_PHASE);
    long commit = d.commit(xid);
    Propose p = d.proposal(DecisionRecord.class);
    assertThat(((DecisionRecord) p.record()).branches()).isEmpty();
    assertThat(d.answer(commit)).isNull();
    d.durable(p);
    assertThat(d.answer(commit)).isEqualTo(new Status(xid, TxStatus.COMMITTED, Outcome.COMMIT));
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTED);
  }

  @Test
  void rollback_of_an_active_transaction_aborts_it_and_answers_at_once() {
    Xid xid = d.active(TWO_PHASE, 2);
    long r = d.rollback(xid);
    assertThat(d.answer(r)).isEqualTo(new Status(xid, TxStatus.ABORTING, Outcome.ABORT));
    assertThat(d.sends(Phase.ABORT)).hasSize(2);
    assertThat(d.engine.view(xid).abortReason()).isEqualTo("rolled back by the client");
    Xid empty = d.begin(TWO_PHASE);
    assertThat(d.answer(d.rollback(empty)))
        .isEqualTo(new Status(empty, TxStatus.ABORTED, Outcome.ABORT));
  }

  @Test
  void registering_the_same_endpoint_and_resource_again_gets_the_same_branch() {
    Xid xid = d.begin(TWO_PHASE);
    assertThat(d.register(xid, 1)).isEqualTo(1);
    assertThat(d.register(xid, 2)).isEqualTo(2);
    assertThat(d.register(xid, 1)).isEqualTo(1);
    assertThat(d.engine.view(xid).branches()).hasSize(2);
  }

  @Test
  void registration_after_commit_or_decision_is_refused_with_the_reason() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.commit(xid);
    Answer preparing = d.answer(d.registerRequest(xid, "late:1", "db"));
    assertThat(preparing).isInstanceOf(Failure.class);
    assertThat(((Failure) preparing).code()).isEqualTo(ErrorCode.NOT_ACTIVE);
    assertThat(((Failure) preparing).message()).contains("preparing").contains("roll back");
    d.vote(xid, 1, Vote.NO);
    Failure aborted = (Failure) d.answer(d.registerRequest(xid, "late:1", "db"));
    assertThat(aborted.code()).isEqualTo(ErrorCode.NOT_ACTIVE);
    assertThat(aborted.message()).contains("aborted");
  }

  @Test
  void repeated_commit_and_rollback_answer_from_the_decided_state() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.commit(xid);
    d.allYes(xid, 1).durable(d.proposal(DecisionRecord.class));
    assertThat(d.answer(d.commit(xid)))
        .isEqualTo(new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT));
    assertThat(((Failure) d.answer(d.rollback(xid))).code()).isEqualTo(ErrorCode.TX_COMMITTED);
    d.ack(xid, 1, Phase.COMMIT);
    assertThat(d.answer(d.commit(xid)))
        .isEqualTo(new Status(xid, TxStatus.COMMITTED, Outcome.COMMIT));
    assertThat(d.query(xid)).isEqualTo(new Status(xid, TxStatus.COMMITTED, Outcome.COMMIT));
  }
}
