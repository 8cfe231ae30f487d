package io.zabtx.coordinator.engine;

import static io.zabtx.coordinator.model.TxProtocol.TWO_PHASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.TxView;
import io.zabtx.coordinator.model.Xid;
import org.junit.jupiter.api.Test;

/** Limits answer OVERLOADED or INVALID_ARGUMENT instead of growing; bad input changes nothing. */
class BoundsTest {

  @Test
  void begin_beyond_max_in_flight_is_overloaded_with_a_retry_hint() {
    EngineDriver d = new EngineDriver(EngineDriver.config(2, 100, 100)).lead(1);
    Xid first = d.begin(TWO_PHASE);
    d.begin(TWO_PHASE);
    Failure f = (Failure) d.answer(d.beginRequest(TWO_PHASE, 0, ""));
    assertThat(f.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(f.retryAfterMillis()).isEqualTo(EngineDriver.OVERLOAD_RETRY);
    d.rollback(first); // finished: no longer in flight
    assertThat(d.begin(TWO_PHASE)).isEqualTo(new Xid(1, 3));
  }

  @Test
  void bad_begin_arguments_are_rejected_with_a_clear_message() {
    EngineDriver d = new EngineDriver().lead(1);
    Failure neg = (Failure) d.answer(d.beginRequest(TWO_PHASE, -1, ""));
    assertThat(neg.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(neg.message()).contains("between 1 and 60000 ms").contains("got -1");
    Failure big = (Failure) d.answer(d.beginRequest(TWO_PHASE, 60_001, ""));
    assertThat(big.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    Failure name = (Failure) d.answer(d.beginRequest(TWO_PHASE, 0, "x".repeat(257)));
    assertThat(name.message()).contains("257 characters");
    assertThat(((Failure) d.answer(d.beginRequest(null, 0, ""))).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(d.engine.stats().inFlight()).isZero();
    assertThat(d.begin(TWO_PHASE)).as("nothing was minted").isEqualTo(new Xid(1, 1));
  }

  @Test
  void registration_beyond_max_branches_is_overloaded_and_bad_names_are_invalid() {
    EngineDriver d = new EngineDriver().lead(1);
    Xid xid = d.active(TWO_PHASE, EngineDriver.MAX_BRANCHES);
    assertThat(((Failure) d.answer(d.registerRequest(xid, "extra:1", "db"))).code())
        .isEqualTo(ErrorCode.OVERLOADED);
    assertThat(d.register(xid, 1)).as("a known branch still gets its id").isEqualTo(1);
    assertThat(((Failure) d.answer(d.registerRequest(xid, " ", "db"))).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(((Failure) d.answer(d.registerRequest(xid, "p:1", null))).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(((Failure) d.answer(d.commit(null))).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void a_full_phase_two_backlog_holds_the_decision_until_it_drains() {
    EngineDriver d = new EngineDriver(EngineDriver.config(100, 3, 100)).lead(1);
    Xid busy = d.active(TWO_PHASE, 2);
    d.commit(busy);
    d.allYes(busy, 2).durable(d.proposal(DecisionRecord.class));
    Xid next = d.active(TWO_PHASE, 2);
    long commit = d.commit(next);
    d.allYes(next, 2);
    Failure f = (Failure) d.answer(commit);
    assertThat(f.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(f.retryAfterMillis()).isEqualTo(EngineDriver.OVERLOAD_RETRY);
    assertThat(d.proposals()).isEmpty();
    assertThat(d.status(next)).isEqualTo(TxStatus.PREPARING);
    d.ack(busy, 1, Phase.COMMIT);
    long again = d.commit(next); // the backlog has room now
    d.durable(d.proposal(DecisionRecord.class));
    assertThat(d.answer(again)).isEqualTo(new Status(next, TxStatus.COMMITTING, Outcome.COMMIT));
  }

  @Test
  void a_decision_held_back_by_the_backlog_is_retried_on_tick_then_aborts_at_the_deadline() {
    EngineDriver d = new EngineDriver(EngineDriver.config(100, 2, 100)).lead(1);
    Xid busy = d.active(TWO_PHASE, 2);
    d.commit(busy);
    d.allYes(busy, 2).durable(d.proposal(DecisionRecord.class));
    Xid held = d.active(TWO_PHASE, 1);
    d.commit(held);
    d.allYes(held, 1);
    d.advance(EngineDriver.OVERLOAD_RETRY);
    assertThat(d.proposals()).isEmpty();
    d.ack(busy, 1, Phase.COMMIT);
    d.advance(EngineDriver.OVERLOAD_RETRY);
    assertThat(d.proposal(DecisionRecord.class)).isNotNull();

    Xid late = d.active(TWO_PHASE, 2);
    d.commit(late);
    d.allYes(late, 2);
    d.advance(EngineDriver.DEFAULT_TIMEOUT);
    assertThat(d.status(late)).isEqualTo(TxStatus.ABORTING);
    assertThat(d.engine.view(late).abortReason()).isEqualTo("deadline passed");
  }

  @Test
  void retained_transactions_are_capped_oldest_first_and_listed_newest_first() {
    EngineDriver d = new EngineDriver(EngineDriver.config(100, 100, 2)).lead(1);
    for (int i = 0; i < 4; i++) {
      d.rollback(d.begin(TWO_PHASE));
    }
    Xid active = d.begin(TWO_PHASE);
    assertThat(d.engine.stats().retained()).isEqualTo(2);
    assertThat(d.engine.list(null, 0, 10))
        .extracting(TxView::xid)
        .containsExactly(active, new Xid(1, 4), new Xid(1, 3));
    assertThat(d.engine.list(TxStatus.ABORTED, 1, 10))
        .extracting(TxView::xid)
        .containsExactly(new Xid(1, 3));
    assertThat(d.engine.list(TxStatus.ACTIVE, 0, 0)).isEmpty();
  }
}
