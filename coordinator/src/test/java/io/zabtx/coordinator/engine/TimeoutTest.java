package io.zabtx.coordinator.engine;

import static io.zabtx.coordinator.model.TxProtocol.THREE_PHASE;
import static io.zabtx.coordinator.model.TxProtocol.TWO_PHASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Answer.Begun;
import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import org.junit.jupiter.api.Test;

/** The vote timeout and the global deadline, and that neither applies after the commit point. */
class TimeoutTest {

  private final EngineDriver d = new EngineDriver().lead(2);

  @Test
  void an_active_transaction_aborts_at_its_deadline_and_tells_its_branches() {
    Xid xid = d.active(TWO_PHASE, 2);
    d.advance(EngineDriver.DEFAULT_TIMEOUT - 1);
    assertThat(d.status(xid)).isEqualTo(TxStatus.ACTIVE);
    d.advance(1);
    assertThat(d.status(xid)).isEqualTo(TxStatus.ABORTING);
    assertThat(d.engine.view(xid).abortReason()).isEqualTo("deadline passed");
    assertThat(d.sends(Phase.ABORT)).hasSize(2);
  }

  @Test
  void registration_at_the_deadline_is_refused_even_before_a_tick() {
    Xid xid = d.begin(TWO_PHASE);
    d.now += EngineDriver.DEFAULT_TIMEOUT;
    Failure f = (Failure) d.answer(d.registerRequest(xid, "p:1", "db"));
    assertThat(f.code()).isEqualTo(ErrorCode.NOT_ACTIVE);
    assertThat(f.message()).contains("deadline").contains("roll back your local work");
  }

  @Test
  void commit_past_the_deadline_answers_aborted() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.now += EngineDriver.DEFAULT_TIMEOUT;
    Failure f = (Failure) d.answer(d.commit(xid));
    assertThat(f.code()).isEqualTo(ErrorCode.TX_ABORTED);
    assertThat(d.sends(Phase.PREPARE)).isEmpty();
  }

  @Test
  void vote_timeout_aborts_naming_the_silent_branches() {
    Xid xid = d.active(THREE_PHASE, 3);
    long commit = d.commit(xid);
    d.vote(xid, 2, Vote.YES);
    d.advance(EngineDriver.VOTE_TIMEOUT - 1);
    assertThat(d.answer(commit)).isNull();
    d.advance(1);
    assertThat(d.answer(commit))
        .isEqualTo(
            new Failure(
                ErrorCode.TX_ABORTED,
                "transaction "
                    + xid
                    + " aborted: vote timeout after 1000 ms: branches 1, 3 did not answer"));
    assertThat(d.sends(Phase.ABORT)).hasSize(3);
  }

  @Test
  void the_vote_timeout_is_capped_by_the_deadline() {
    Begun b = (Begun) d.answer(d.beginRequest(TWO_PHASE, 300, "short"));
    d.register(b.xid(), 1);
    d.advance(100);
    long commit = d.commit(b.xid());
    assertThat(d.sends(Phase.PREPARE).get(0).timeoutMillis()).isEqualTo(200);
    d.advance(200);
    assertThat(((Failure) d.answer(commit)).message())
        .endsWith("vote timeout after 200 ms: branch 1 did not answer");
  }

  @Test
  void the_deadline_does_not_abort_once_the_commit_point_was_proposed() {
    Xid xid = d.active(TWO_PHASE, 1);
    long commit = d.commit(xid);
    d.vote(xid, 1, Vote.YES);
    var p = d.proposal(DecisionRecord.class);
    d.advance(EngineDriver.DEFAULT_TIMEOUT * 3);
    assertThat(d.allSends(xid, Phase.ABORT)).isEmpty();
    assertThat(d.status(xid)).isEqualTo(TxStatus.PREPARING);
    d.durable(p);
    assertThat(d.answer(commit)).isEqualTo(new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT));
  }

  @Test
  void phase_two_has_no_deadline() {
    Xid xid = d.active(THREE_PHASE, 1);
    d.commit(xid);
    d.allYes(xid, 1).durable(d.proposal(PreCommitRecord.class));
    d.advance(EngineDriver.DEFAULT_TIMEOUT * 2);
    d.ack(xid, 1, Phase.PRE_COMMIT).ack(xid, 1, Phase.COMMIT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTED);
    assertThat(d.allSends(xid, Phase.ABORT)).isEmpty();
  }
}
