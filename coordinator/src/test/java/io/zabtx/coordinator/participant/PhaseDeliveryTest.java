package io.zabtx.coordinator.participant;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Command;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.testing.FakeParticipant;
import io.zabtx.coordinator.testing.RecordedCall;
import io.zabtx.protocol.v1.BranchState;
import io.zabtx.protocol.v1.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each phase reaches the right rpc and its answer maps to the right result. */
class PhaseDeliveryTest {

  private final GatewayHarness harness = new GatewayHarness();
  private final FakeParticipant fake = harness.fake();

  @AfterEach
  void close() {
    harness.close();
  }

  @Test
  void prepareIsAVote_andCarriesXidBranchAndProtocol() {
    Command.Send prepare = harness.message(Phase.PREPARE, fake.endpoint(), 2_000);

    ResultProbe probe = harness.send(prepare);

    assertThat(probe.await(GatewayHarness.WAIT)).isEqualTo(new DeliveryResult.Voted(Vote.YES, ""));
    assertThat(probe.threadName()).startsWith("zabtx-participant-gateway-");
    RecordedCall call = fake.calls().get(0);
    assertThat(call.xid()).isEqualTo(prepare.xid().toString());
    assertThat(call.branchId()).isEqualTo(1);
    assertThat(call.phase()).isEqualTo(Phase.PREPARE);
    assertThat(call.protocol()).isEqualTo(Protocol.TWO_PHASE);
    assertThat(fake.branchState(call.xid(), 1)).isEqualTo(BranchState.VOTED_YES);
  }

  @Test
  void canCommitIsAVote_overThreePhase() {
    Command.Send canCommit = harness.message(Phase.CAN_COMMIT, fake.endpoint(), 2_000);

    assertThat(harness.deliver(canCommit)).isEqualTo(new DeliveryResult.Voted(Vote.YES, ""));
    assertThat(fake.calls(Phase.CAN_COMMIT))
        .singleElement()
        .extracting(RecordedCall::protocol)
        .isEqualTo(Protocol.THREE_PHASE);
  }

  @Test
  void voteNo_carriesTheReason() {
    Command.Send prepare = harness.message(Phase.PREPARE, fake.endpoint(), 2_000);
    fake.vote(prepare.xid().toString(), Vote.NO, "insufficient funds");

    assertThat(harness.deliver(prepare))
        .isEqualTo(new DeliveryResult.Voted(Vote.NO, "insufficient funds"));
    // Another xid still gets the default vote.
    assertThat(harness.deliver(harness.message(Phase.PREPARE, fake.endpoint(), 2_000)))
        .isEqualTo(new DeliveryResult.Voted(Vote.YES, ""));
  }

  @Test
  void preCommitIsAckedPrecommitted() {
    Command.Send preCommit = harness.message(Phase.PRE_COMMIT, fake.endpoint(), 2_000);

    assertThat(harness.deliver(preCommit))
        .isEqualTo(new DeliveryResult.Acked(BranchStatus.PRECOMMITTED, ""));
    assertThat(fake.callCount(Phase.PRE_COMMIT)).isEqualTo(1);
  }

  @Test
  void commitIsAckedCommitted_andARepeatIsAckedTheSame() {
    Command.Send commit = harness.message(Phase.COMMIT, fake.endpoint(), 2_000);

    assertThat(harness.deliver(commit))
        .isInstanceOfSatisfying(
            DeliveryResult.Acked.class,
            a -> assertThat(a.state()).isEqualTo(BranchStatus.COMMITTED));
    assertThat(harness.deliver(commit))
        .isInstanceOfSatisfying(
            DeliveryResult.Acked.class,
            a -> assertThat(a.state()).isEqualTo(BranchStatus.COMMITTED));
    assertThat(fake.callCount(Phase.COMMIT)).isEqualTo(2);
    assertThat(fake.conflicts()).isEmpty();
  }

  @Test
  void abortOfAnUnknownBranchIsAckedAborted_andLeavesATombstone() {
    Command.Send abort = harness.message(Phase.ABORT, fake.endpoint(), 2_000);

    assertThat(harness.deliver(abort))
        .isInstanceOfSatisfying(
            DeliveryResult.Acked.class, a -> assertThat(a.state()).isEqualTo(BranchStatus.ABORTED));
    assertThat(fake.isTombstone(abort.xid().toString(), 1)).isTrue();
    // Work arriving late for the aborted branch is refused.
    Command.Send latePrepare =
        new Command.Send(abort.xid(), 1, fake.endpoint(), Phase.PREPARE, abort.protocol(), 2_000);
    assertThat(harness.deliver(latePrepare))
        .isInstanceOfSatisfying(
            DeliveryResult.Voted.class, v -> assertThat(v.vote()).isEqualTo(Vote.NO));
  }

  @Test
  void aHeuristicStateIsReportedAsIs() {
    Command.Send commit = harness.message(Phase.COMMIT, fake.endpoint(), 2_000);
    fake.reportHeuristic(commit.xid().toString(), 1, BranchState.HEURISTIC_HAZARD);

    assertThat(harness.deliver(commit))
        .isInstanceOfSatisfying(
            DeliveryResult.Acked.class,
            a -> assertThat(a.state()).isEqualTo(BranchStatus.HEURISTIC_HAZARD));
  }

  @Test
  void aBranchTakesOneOutcome_acrossAWholeTwoPhaseRun() {
    Command.Send prepare = harness.message(Phase.PREPARE, fake.endpoint(), 2_000);
    Command.Send commit =
        new Command.Send(
            prepare.xid(), 1, fake.endpoint(), Phase.COMMIT, prepare.protocol(), 2_000);

    assertThat(harness.deliver(prepare)).isInstanceOf(DeliveryResult.Voted.class);
    assertThat(harness.deliver(commit)).isInstanceOf(DeliveryResult.Acked.class);

    assertThat(fake.branches())
        .containsExactly(java.util.Map.entry(prepare.xid() + "/1", BranchState.BRANCH_COMMITTED));
    assertThat(fake.calls())
        .extracting(RecordedCall::phase)
        .containsExactly(Phase.PREPARE, Phase.COMMIT);
  }
}
