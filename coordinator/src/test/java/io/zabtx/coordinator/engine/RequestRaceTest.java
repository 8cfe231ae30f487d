package io.zabtx.coordinator.engine;

import static io.zabtx.coordinator.model.TxProtocol.TWO_PHASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.engine.Command.Propose;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import org.junit.jupiter.api.Test;

/** Requests that race each other, duplicate and late messages. */
class RequestRaceTest {

  private final EngineDriver d = new EngineDriver().lead(1);

  @Test
  void a_second_commit_during_phase_one_joins_the_first() {
    Xid xid = d.active(TWO_PHASE, 1);
    long first = d.commit(xid);
    long second = d.commit(xid);
    assertThat(d.sends()).as("no second PREPARE").isEmpty();
    d.allYes(xid, 1).durable(d.proposal(DecisionRecord.class));
    Status s = new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT);
    assertThat(d.answer(first)).isEqualTo(s);
    assertThat(d.answer(second)).isEqualTo(s);
  }

  @Test
  void a_rollback_during_phase_one_aborts_and_the_commit_gets_aborted() {
    Xid xid = d.active(TWO_PHASE, 2);
    long commit = d.commit(xid);
    d.vote(xid, 1, Vote.YES);
    long rollback = d.rollback(xid);
    assertThat(d.answer(rollback)).isEqualTo(new Status(xid, TxStatus.ABORTING, Outcome.ABORT));
    assertThat(((Failure) d.answer(commit)).message()).endsWith("rolled back by the client");
    d.vote(xid, 2, Vote.YES); // late
    assertThat(d.last).isEmpty();
  }

  @Test
  void a_rollback_after_the_commit_point_was_proposed_waits_and_gets_committed() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.commit(xid);
    d.vote(xid, 1, Vote.YES);
    Propose p = d.proposal(DecisionRecord.class);
    long rollback = d.rollback(xid);
    assertThat(d.answer(rollback)).isNull();
    assertThat(d.sends(Phase.ABORT)).isEmpty();
    d.durable(p);
    assertThat(((Failure) d.answer(rollback)).code()).isEqualTo(ErrorCode.TX_COMMITTED);
  }

  @Test
  void commit_of_an_aborted_transaction_answers_aborted_with_the_reason() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.rollback(xid);
    Failure f = (Failure) d.answer(d.commit(xid));
    assertThat(f.code()).isEqualTo(ErrorCode.TX_ABORTED);
    assertThat(f.message()).contains("rolled back by the client");
    assertThat(d.answer(d.rollback(xid)))
        .isEqualTo(new Status(xid, TxStatus.ABORTING, Outcome.ABORT));
  }

  @Test
  void duplicate_votes_and_acks_change_nothing() {
    Xid xid = d.active(TWO_PHASE, 2);
    d.commit(xid);
    d.vote(xid, 1, Vote.YES).vote(xid, 1, Vote.YES).vote(xid, 1, Vote.NO);
    assertThat(d.status(xid)).isEqualTo(TxStatus.PREPARING);
    d.vote(xid, 2, Vote.YES);
    Propose p = d.proposal(DecisionRecord.class);
    d.vote(xid, 2, Vote.YES);
    assertThat(d.last).isEmpty();
    d.durable(p);
    d.ack(xid, 1, Phase.COMMIT).ack(xid, 1, Phase.COMMIT).ack(xid, 1, Phase.ABORT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTING);
    assertThat(d.engine.stats().phase2Backlog()).isEqualTo(1);
    d.ack(xid, 2, Phase.COMMIT);
    d.ack(xid, 2, Phase.COMMIT);
    assertThat(d.last).isEmpty();
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTED);
  }

  @Test
  void votes_and_acks_for_unknown_xids_or_branches_are_ignored() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.vote(xid, 1, Vote.YES); // not asked yet
    d.vote(new Xid(1, 42), 1, Vote.YES);
    d.vote(xid, 7, Vote.NO);
    d.ack(xid, 1, Phase.COMMIT);
    d.ack(new Xid(9, 1), 1, Phase.COMMIT);
    d.vote(null, 1, Vote.NO);
    assertThat(d.status(xid)).isEqualTo(TxStatus.ACTIVE);
    d.commit(xid);
    d.vote(xid, 1, Vote.YES);
    assertThat(d.proposal(DecisionRecord.class)).isNotNull();
  }

  @Test
  void a_late_ack_after_completion_is_ignored() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.commit(xid);
    d.allYes(xid, 1).durable(d.proposal(DecisionRecord.class)).ack(xid, 1, Phase.COMMIT);
    d.ack(xid, 1, Phase.COMMIT);
    d.fail(xid, 1, Phase.COMMIT);
    d.advance(10_000);
    assertThat(d.allSends(xid, Phase.COMMIT)).hasSize(1);
  }
}
