package io.zabtx.coordinator.engine;

import static io.zabtx.coordinator.model.TxProtocol.THREE_PHASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.engine.Command.Propose;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.BranchView;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.PhaseEvent;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import org.junit.jupiter.api.Test;

/** 3PC: canCommit, PreCommit logged, preCommit acked by all, doCommit acked by all. */
class ThreePhaseTest {

  private final EngineDriver d = new EngineDriver().lead(1);

  @Test
  void full_run_sends_precommit_to_all_then_commit_only_once_all_acked_precommit() {
    Xid xid = d.active(THREE_PHASE, 2);
    long commit = d.commit(xid);
    assertThat(d.sends(Phase.CAN_COMMIT)).extracting(Command.Send::branchId).containsExactly(1, 2);
    assertThat(d.sends()).allMatch(s -> s.protocol() == THREE_PHASE);
    d.allYes(xid, 2);
    Propose p = d.proposal(PreCommitRecord.class);
    assertThat(d.sends()).isEmpty();
    d.durable(p);
    assertThat(d.answer(commit)).isEqualTo(new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT));
    assertThat(d.sends(Phase.PRE_COMMIT)).hasSize(2);
    assertThat(d.sends(Phase.COMMIT)).isEmpty();

    d.ack(xid, 1, Phase.PRE_COMMIT);
    assertThat(d.sends()).as("doCommit waits for every preCommit ack").isEmpty();
    d.ack(xid, 1, Phase.COMMIT); // not sent yet: ignored
    d.ack(xid, 2, Phase.PRE_COMMIT);
    assertThat(d.sends(Phase.COMMIT)).extracting(Command.Send::branchId).containsExactly(1, 2);
    assertThat(d.engine.view(xid).branches())
        .extracting(BranchView::status)
        .containsOnly(BranchStatus.PRECOMMITTED);
    d.ackAll(xid, 2, Phase.COMMIT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTED);
    assertThat(d.engine.stats().committed3pc()).isEqualTo(1);
    assertThat(d.engine.view(xid).timeline())
        .extracting(PhaseEvent::phase)
        .contains("PRECOMMIT_LOGGED", "PRECOMMIT_ACKED", "COMMIT_ACKED");
  }

  @Test
  void a_no_to_can_commit_aborts_every_branch() {
    Xid xid = d.active(THREE_PHASE, 2);
    long commit = d.commit(xid);
    d.vote(xid, 2, Vote.NO);
    assertThat(((Failure) d.answer(commit)).code()).isEqualTo(ErrorCode.TX_ABORTED);
    assertThat(d.sends(Phase.ABORT)).hasSize(2);
    assertThat(d.engine.stats().aborted3pc()).isEqualTo(1);
  }

  @Test
  void three_phase_without_branches_commits_through_the_precommit_record() {
    Xid xid = d.begin(THREE_PHASE);
    long commit = d.commit(xid, true);
    d.durable(d.proposal(PreCommitRecord.class));
    assertThat(d.answer(commit)).isEqualTo(new Status(xid, TxStatus.COMMITTED, Outcome.COMMIT));
  }

  @Test
  void late_precommit_acks_after_the_commit_stage_are_ignored() {
    Xid xid = d.active(THREE_PHASE, 1);
    d.commit(xid);
    d.allYes(xid, 1).durable(d.proposal(PreCommitRecord.class));
    d.ack(xid, 1, Phase.PRE_COMMIT);
    d.ack(xid, 1, Phase.PRE_COMMIT);
    assertThat(d.last).isEmpty();
    assertThat(d.allSends(xid, Phase.COMMIT)).hasSize(1);
  }
}
