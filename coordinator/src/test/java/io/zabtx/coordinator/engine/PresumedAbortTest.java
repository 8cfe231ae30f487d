package io.zabtx.coordinator.engine;

import static io.zabtx.coordinator.model.TxProtocol.TWO_PHASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Xid;
import org.junit.jupiter.api.Test;

/** Answers for xids not in memory: the log, the forgotten watermark, presumed abort. */
class PresumedAbortTest {

  private final EngineDriver d = new EngineDriver(EngineDriver.config(100, 100, 1)).lead(4);

  private static ErrorCode code(Answer a) {
    return ((Failure) a).code();
  }

  @Test
  void an_unknown_xid_of_an_older_epoch_is_aborted() {
    Xid old = new Xid(3, 17);
    assertThat(d.query(old)).isEqualTo(new Status(old, TxStatus.ABORTED, Outcome.ABORT));
    assertThat(code(d.answer(d.commit(old)))).isEqualTo(ErrorCode.TX_ABORTED);
    assertThat(d.answer(d.rollback(old)))
        .isEqualTo(new Status(old, TxStatus.ABORTED, Outcome.ABORT));
    Failure reg = (Failure) d.answer(d.registerRequest(old, "p:1", "db"));
    assertThat(reg.code()).isEqualTo(ErrorCode.NOT_ACTIVE);
    assertThat(reg.message()).contains("presumed abort");
  }

  @Test
  void a_sequence_never_minted_is_not_found_and_a_newer_epoch_is_not_leader() {
    d.begin(TWO_PHASE);
    assertThat(code(d.query(new Xid(4, 2)))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(code(d.answer(d.commit(new Xid(4, 2))))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(code(d.answer(d.registerRequest(new Xid(4, 2), "p:1", "db"))))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(code(d.query(new Xid(5, 1)))).isEqualTo(ErrorCode.NOT_LEADER);
  }

  @Test
  void a_minted_xid_dropped_from_memory_without_a_commit_point_is_aborted() {
    Xid first = d.active(TWO_PHASE, 0);
    d.rollback(first);
    Xid second = d.active(TWO_PHASE, 0);
    d.rollback(second); // max retained 1: the first is evicted
    assertThat(d.engine.view(first)).isNull();
    assertThat(d.query(first)).isEqualTo(new Status(first, TxStatus.ABORTED, Outcome.ABORT));
  }

  @Test
  void a_logged_commit_point_is_answered_from_the_log() {
    Xid xid = new Xid(2, 5);
    d.log.apply(new DecisionRecord(xid, java.util.List.of(), 1, "n", 1));
    assertThat(d.query(xid)).isEqualTo(new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT));
    assertThat(d.answer(d.commit(xid)))
        .isEqualTo(new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT));
    assertThat(code(d.answer(d.rollback(xid)))).isEqualTo(ErrorCode.TX_COMMITTED);
    assertThat(code(d.answer(d.registerRequest(xid, "p:1", "db")))).isEqualTo(ErrorCode.NOT_ACTIVE);
  }

  @Test
  void a_forgotten_xid_is_no_longer_retained_never_presumed_aborted() {
    d.log.forgottenUpTo = new Xid(3, 100);
    Xid gone = new Xid(2, 9);
    assertThat(code(d.query(gone))).isEqualTo(ErrorCode.NO_LONGER_RETAINED);
    assertThat(code(d.answer(d.commit(gone)))).isEqualTo(ErrorCode.NO_LONGER_RETAINED);
    assertThat(code(d.answer(d.rollback(gone)))).isEqualTo(ErrorCode.NO_LONGER_RETAINED);
    assertThat(d.query(new Xid(3, 101)))
        .isEqualTo(new Status(new Xid(3, 101), TxStatus.ABORTED, Outcome.ABORT));
  }

  @Test
  void finished_transactions_leave_memory_after_retention_and_forget_is_proposed() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.commit(xid);
    d.allYes(xid, 1).durable(d.proposal(DecisionRecord.class)).ack(xid, 1, Phase.COMMIT);
    d.advance(50).durable(d.proposal(io.zabtx.coordinator.model.CompletedRecord.class));
    d.advance(EngineDriver.RETENTION - 51);
    assertThat(d.engine.view(xid)).isNotNull();
    d.advance(1);
    assertThat(d.engine.view(xid)).isNull();
    assertThat(d.query(xid)).isEqualTo(new Status(xid, TxStatus.COMMITTED, Outcome.COMMIT));
    assertThat(d.all)
        .filteredOn(c -> c instanceof Command.Propose p && p.record() instanceof ForgetRecord)
        .hasSize(1); // at most one Forget in flight
  }
}
