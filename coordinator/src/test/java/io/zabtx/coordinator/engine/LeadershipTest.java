package io.zabtx.coordinator.engine;

import static io.zabtx.coordinator.model.TxProtocol.THREE_PHASE;
import static io.zabtx.coordinator.model.TxProtocol.TWO_PHASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.engine.Command.Propose;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.PhaseEvent;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import org.junit.jupiter.api.Test;

/** Leadership lost at every step, and the next leader's continuation from the log. */
class LeadershipTest {

  private final EngineDriver d = new EngineDriver();

  @Test
  void a_follower_answers_not_leader_to_every_request() {
    Xid xid = new Xid(1, 1);
    long b = d.beginRequest(TWO_PHASE, 0, "x");
    long c = d.commit(xid);
    long r = d.rollback(xid);
    long g = d.registerRequest(xid, "p:1", "db");
    long h = d.reportHeuristic(xid, 1, io.zabtx.coordinator.model.HeuristicKind.HAZARD);
    Answer q = d.query(xid);
    for (Answer a :
        new Answer[] {d.answer(b), d.answer(c), d.answer(r), d.answer(g), d.answer(h), q}) {
      assertThat(((Failure) a).code()).isEqualTo(ErrorCode.NOT_LEADER);
    }
    assertThat(d.engine.isLeader()).isFalse();
    assertThat(d.engine.epoch()).isZero();
  }

  @Test
  void step_down_in_phase_one_answers_not_leader_and_the_next_leader_presumes_abort() {
    d.lead(1);
    Xid xid = d.active(TWO_PHASE, 1);
    long commit = d.commit(xid);
    d.stepDown();
    assertThat(((Failure) d.answer(commit)).code()).isEqualTo(ErrorCode.NOT_LEADER);
    assertThat(d.engine.view(xid)).isNull();
    d.lead(2);
    assertThat(d.query(xid)).isEqualTo(new Status(xid, TxStatus.ABORTED, Outcome.ABORT));
    assertThat(((Failure) d.answer(d.commit(xid))).code()).isEqualTo(ErrorCode.TX_ABORTED);
    assertThat(d.begin(TWO_PHASE)).isEqualTo(new Xid(2, 1));
  }

  @Test
  void step_down_with_the_commit_point_in_flight_answers_outcome_unknown() {
    d.lead(1);
    Xid xid = d.active(TWO_PHASE, 1);
    long commit = d.commit(xid);
    d.vote(xid, 1, Vote.YES);
    Propose p = d.proposal(DecisionRecord.class);
    long rollback = d.rollback(xid);
    d.stepDown();
    assertThat(((Failure) d.answer(commit)).code()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
    assertThat(((Failure) d.answer(rollback)).code()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
    d.engine.recordDurable(p.proposalId(), d.now, new Effects()); // stale result: ignored
    // The proposal did make it into the log: the next leader finishes the commit.
    d.log.apply(p.record());
    d.lead(2);
    assertThat(d.sends(Phase.COMMIT)).extracting(Command.Send::xid).containsExactly(xid);
    assertThat(d.answer(d.commit(xid)))
        .isEqualTo(new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT));
    assertThat(d.engine.view(xid).timeline()).extracting(PhaseEvent::phase).contains("TAKEN_OVER");
  }

  @Test
  void step_down_in_phase_two_and_the_next_leader_resends_commit_to_every_branch() {
    d.lead(1);
    Xid xid = d.active(TWO_PHASE, 2);
    long waiting = d.commit(xid, true);
    d.allYes(xid, 2).durable(d.proposal(DecisionRecord.class)).ack(xid, 1, Phase.COMMIT);
    d.stepDown();
    assertThat(d.answer(waiting)).isEqualTo(new Status(xid, TxStatus.COMMITTING, Outcome.COMMIT));
    d.lead(2);
    assertThat(d.sends(Phase.COMMIT)).extracting(Command.Send::branchId).containsExactly(1, 2);
    assertThat(d.engine.stats().phase2Backlog()).isEqualTo(2);
    d.ackAll(xid, 2, Phase.COMMIT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTED);
    d.advance(50);
    d.durable(d.proposals().get(0));
    assertThat(d.log.find(xid).completed()).isTrue();
  }

  @Test
  void a_three_phase_takeover_sends_precommit_then_commit_once_all_acked() {
    d.lead(1);
    Xid xid = d.active(THREE_PHASE, 2);
    d.commit(xid);
    d.allYes(xid, 2).durable(d.proposal(PreCommitRecord.class));
    d.ackAll(xid, 2, Phase.PRE_COMMIT); // the old leader got as far as doCommit
    d.stepDown().lead(5);
    assertThat(d.sends(Phase.PRE_COMMIT)).hasSize(2);
    assertThat(d.sends(Phase.COMMIT)).isEmpty();
    d.ackAll(xid, 2, Phase.PRE_COMMIT);
    assertThat(d.sends(Phase.COMMIT)).hasSize(2);
    d.ackAll(xid, 2, Phase.COMMIT);
    assertThat(d.status(xid)).isEqualTo(TxStatus.COMMITTED);
    assertThat(d.engine.stats().committed3pc()).as("counted once, when it was decided").isOne();
  }

  @Test
  void completed_transactions_are_not_taken_over() {
    d.lead(1);
    Xid xid = d.active(TWO_PHASE, 1);
    d.commit(xid);
    d.allYes(xid, 1).durable(d.proposal(DecisionRecord.class)).ack(xid, 1, Phase.COMMIT);
    d.advance(50).durable(d.proposals().get(0));
    d.stepDown().lead(2);
    assertThat(d.last).isEmpty();
    assertThat(d.query(xid)).isEqualTo(new Status(xid, TxStatus.COMMITTED, Outcome.COMMIT));
  }

  @Test
  void results_arriving_after_step_down_are_ignored_and_timers_stop() {
    d.lead(1);
    Xid xid = d.active(TWO_PHASE, 1);
    d.commit(xid);
    d.stepDown();
    d.vote(xid, 1, Vote.YES).ack(xid, 1, Phase.COMMIT).fail(xid, 1, Phase.PREPARE);
    d.advance(100_000);
    assertThat(d.last).isEmpty();
    assertThat(d.engine.stats().inFlight()).isZero();
  }

  @Test
  void becoming_leader_again_while_leading_steps_down_first() {
    d.lead(1);
    Xid xid = d.active(TWO_PHASE, 1);
    long commit = d.commit(xid);
    d.lead(2);
    assertThat(((Failure) d.answer(commit)).code()).isEqualTo(ErrorCode.NOT_LEADER);
    assertThat(d.engine.epoch()).isEqualTo(2);
  }
}
