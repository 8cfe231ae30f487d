package io.zabtx.coordinator.engine;

import static io.zabtx.coordinator.model.TxProtocol.THREE_PHASE;
import static io.zabtx.coordinator.model.TxProtocol.TWO_PHASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.HeuristicRecorded;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.BranchView;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Xid;
import org.junit.jupiter.api.Test;

/** Heuristic reports: recorded, answered once durable, HEURISTIC_MIXED when contradicting. */
class HeuristicTest {

  private final EngineDriver d = new EngineDriver().lead(1);

  private Xid committing(int branches) {
    Xid xid = d.active(TWO_PHASE, branches);
    d.commit(xid);
    d.allYes(xid, branches).durable(d.proposal(DecisionRecord.class));
    return xid;
  }

  @Test
  void an_abort_report_on_a_committed_transaction_makes_it_mixed_counted_once() {
    Xid xid = committing(2);
    long r = d.reportHeuristic(xid, 1, HeuristicKind.ABORTED_UNILATERALLY);
    assertThat(d.answer(r)).isNull();
    d.durable(d.proposal(HeuristicRecord.class));
    assertThat(d.answer(r)).isEqualTo(new HeuristicRecorded(Outcome.COMMIT, true));
    assertThat(d.status(xid)).isEqualTo(TxStatus.HEURISTIC_MIXED);
    long again = d.reportHeuristic(xid, 2, HeuristicKind.HAZARD);
    d.durable(d.proposal(HeuristicRecord.class));
    assertThat(d.answer(again)).isEqualTo(new HeuristicRecorded(Outcome.COMMIT, true));
    assertThat(d.engine.stats().heuristicMixed()).isEqualTo(1);
    assertThat(d.engine.stats().heuristics()).isEqualTo(2);
    assertThat(d.answer(d.commit(xid)))
        .isEqualTo(new Status(xid, TxStatus.HEURISTIC_MIXED, Outcome.COMMIT));
    assertThat(d.engine.view(xid).branches())
        .extracting(BranchView::status)
        .containsExactly(BranchStatus.HEURISTIC_ABORT, BranchStatus.HEURISTIC_HAZARD);
  }

  @Test
  void a_report_that_agrees_with_the_outcome_is_not_mixed() {
    Xid xid = committing(1);
    long r = d.reportHeuristic(xid, 1, HeuristicKind.COMMITTED_UNILATERALLY);
    d.durable(d.proposal(HeuristicRecord.class));
    assertThat(d.answer(r)).isEqualTo(new HeuristicRecorded(Outcome.COMMIT, false));
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTING);
  }

  @Test
  void an_unilateral_abort_while_undecided_counts_as_a_no_vote() {
    Xid xid = d.active(THREE_PHASE, 2);
    long commit = d.commit(xid);
    long r = d.reportHeuristic(xid, 2, HeuristicKind.ABORTED_UNILATERALLY);
    assertThat(((Failure) d.answer(commit)).message())
        .endsWith("branch 2 aborted unilaterally: found so");
    assertThat(d.sends(Phase.ABORT)).hasSize(2);
    d.durable(d.proposal(HeuristicRecord.class));
    assertThat(d.answer(r)).isEqualTo(new HeuristicRecorded(Outcome.ABORT, false));
  }

  @Test
  void a_heuristic_state_in_an_ack_counts_as_acknowledged_and_as_a_report() {
    Xid xid = d.active(THREE_PHASE, 1);
    d.commit(xid);
    d.allYes(xid, 1).durable(d.proposal(PreCommitRecord.class));
    d.ack(xid, 1, Phase.PRE_COMMIT, BranchStatus.HEURISTIC_ABORT);
    assertThat(d.sends(Phase.COMMIT)).hasSize(1);
    var p = d.proposal(HeuristicRecord.class);
    assertThat(((HeuristicRecord) p.record()).kind()).isEqualTo(HeuristicKind.ABORTED_UNILATERALLY);
    d.recordFailed(p, false);
    d.advance(1);
    d.durable(d.proposal(HeuristicRecord.class)); // never dropped: proposed again
    assertThat(d.status(xid)).isEqualTo(TxStatus.HEURISTIC_MIXED);
    d.ack(xid, 1, Phase.COMMIT, BranchStatus.HEURISTIC_ABORT);
    assertThat(d.engine.view(xid).status()).isEqualTo(TxStatus.HEURISTIC_MIXED);
    assertThat(d.engine.stats().inFlight()).as("phase 2 is over").isZero();
  }

  @Test
  void reports_for_xids_not_in_memory_are_answered_from_the_log() {
    Xid old = new Xid(1, 50);
    d.stepDown().lead(2);
    long r = d.reportHeuristic(old, 1, HeuristicKind.COMMITTED_UNILATERALLY);
    d.durable(d.proposal(HeuristicRecord.class));
    assertThat(d.answer(r)).isEqualTo(new HeuristicRecorded(Outcome.ABORT, true));
    assertThat(
            ((Failure) d.answer(d.reportHeuristic(new Xid(2, 9), 1, HeuristicKind.HAZARD))).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void a_report_for_an_unregistered_branch_is_rejected() {
    Xid xid = committing(1);
    Failure f = (Failure) d.answer(d.reportHeuristic(xid, 5, HeuristicKind.HAZARD));
    assertThat(f.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(d.proposals()).isEmpty();
  }
}
