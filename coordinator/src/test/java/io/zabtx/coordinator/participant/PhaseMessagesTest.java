package io.zabtx.coordinator.participant;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Command;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.Xid;
import io.zabtx.protocol.v1.AckResponse;
import io.zabtx.protocol.v1.BranchState;
import io.zabtx.protocol.v1.Vote;
import io.zabtx.protocol.v1.VoteResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Answers that make no sense are protocol errors, never guessed at. */
class PhaseMessagesTest {

  private static Command.Send send(Phase phase) {
    return new Command.Send(new Xid(3, 9), 2, "p:1", phase, TxProtocol.TWO_PHASE, 100);
  }

  @Test
  void anUnspecifiedVote_isAProtocolError() {
    DeliveryResult result =
        PhaseMessages.interpret(
            send(Phase.PREPARE), VoteResponse.newBuilder().setVote(Vote.VOTE_UNSPECIFIED).build());

    assertThat(result)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class,
            f ->
                assertThat(f.why())
                    .contains("protocol error", "PREPARE", "3-9", "branch 2", "no vote"));
  }

  @Test
  void anUnknownVoteNumber_isAProtocolError() {
    DeliveryResult result =
        PhaseMessages.interpret(
            send(Phase.CAN_COMMIT), VoteResponse.newBuilder().setVoteValue(42).build());

    assertThat(result).isInstanceOf(DeliveryResult.Failed.class);
  }

  @Test
  void anAckWithoutState_isAProtocolError() {
    DeliveryResult result =
        PhaseMessages.interpret(send(Phase.COMMIT), AckResponse.newBuilder().build());

    assertThat(result)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class, f -> assertThat(f.why()).contains("no branch state"));
  }

  @Test
  void aVoteToAPhaseTwoMessage_isAProtocolError() {
    DeliveryResult result =
        PhaseMessages.interpret(
            send(Phase.ABORT), VoteResponse.newBuilder().setVote(Vote.YES).build());

    assertThat(result).isInstanceOf(DeliveryResult.Failed.class);
  }

  @ParameterizedTest
  @EnumSource(
      value = BranchState.class,
      names = {"BRANCH_STATE_UNSPECIFIED", "UNRECOGNIZED"},
      mode = EnumSource.Mode.EXCLUDE)
  void everyRealBranchStateMapsByName(BranchState state) {
    BranchStatus status = PhaseMessages.branchStatus(state);

    assertThat(status.name()).isEqualTo(state.name().replace("BRANCH_", ""));
  }
}
