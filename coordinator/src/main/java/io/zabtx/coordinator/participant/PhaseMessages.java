package io.zabtx.coordinator.participant;

import com.google.protobuf.Message;
import io.grpc.stub.StreamObserver;
import io.zabtx.coordinator.engine.Command;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.protocol.v1.AckResponse;
import io.zabtx.protocol.v1.BranchState;
import io.zabtx.protocol.v1.ParticipantServiceGrpc.ParticipantServiceStub;
import io.zabtx.protocol.v1.PhaseRequest;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.VoteResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The wire side of a phase message: which rpc carries it, and what its answer means. */
final class PhaseMessages {

  private PhaseMessages() {}

  /**
   * Starts one call of {@code cmd}'s rpc with a deadline of {@code cmd.timeoutMillis()}. Never
   * blocks; the future completes on a gRPC callback thread with the response or the call's {@link
   * io.grpc.StatusRuntimeException}.
   */
  static CompletableFuture<Message> call(ParticipantServiceStub stub, Command.Send cmd) {
    CompletableFuture<Message> answer = new CompletableFuture<>();
    PhaseRequest request =
        PhaseRequest.newBuilder()
            .setXid(cmd.xid().toString())
            .setBranchId(cmd.branchId())
            .setProtocol(Protocol.valueOf(cmd.protocol().name()))
            .build();
    ParticipantServiceStub timed =
        stub.withDeadlineAfter(cmd.timeoutMillis(), TimeUnit.MILLISECONDS);
    switch (cmd.phase()) {
      case PREPARE -> timed.prepare(request, completing(answer));
      case CAN_COMMIT -> timed.canCommit(request, completing(answer));
      case PRE_COMMIT -> timed.preCommit(request, completing(answer));
      case COMMIT -> timed.commit(request, completing(answer));
      case ABORT -> timed.abort(request, completing(answer));
    }
    return answer;
  }

  /** What {@code response} to {@code cmd} means; a {@link DeliveryResult.Failed} if nonsense. */
  static DeliveryResult interpret(Command.Send cmd, Message response) {
    if (response instanceof VoteResponse vote && cmd.phase().isVote()) {
      return switch (vote.getVote()) {
        case YES -> new DeliveryResult.Voted(Vote.YES, vote.getReason());
        case NO -> new DeliveryResult.Voted(Vote.NO, vote.getReason());
        default -> protocolError(cmd, "no vote (" + vote.getVoteValue() + ")");
      };
    }
    if (response instanceof AckResponse ack && !cmd.phase().isVote()) {
      BranchStatus status = branchStatus(ack.getState());
      return status == null
          ? protocolError(cmd, "no branch state (" + ack.getStateValue() + ")")
          : new DeliveryResult.Acked(status, ack.getDetail());
    }
    return protocolError(cmd, "a " + response.getClass().getSimpleName());
  }

  /** The model's name for a wire branch state; null for UNSPECIFIED or a value unknown here. */
  static BranchStatus branchStatus(BranchState state) {
    return switch (state) {
      case BRANCH_COMMITTED -> BranchStatus.COMMITTED;
      case BRANCH_ABORTED -> BranchStatus.ABORTED;
      case REGISTERED -> BranchStatus.REGISTERED;
      case VOTED_YES -> BranchStatus.VOTED_YES;
      case VOTED_NO -> BranchStatus.VOTED_NO;
      case PRECOMMITTED -> BranchStatus.PRECOMMITTED;
      case HEURISTIC_COMMIT -> BranchStatus.HEURISTIC_COMMIT;
      case HEURISTIC_ABORT -> BranchStatus.HEURISTIC_ABORT;
      case HEURISTIC_HAZARD -> BranchStatus.HEURISTIC_HAZARD;
      case BRANCH_STATE_UNSPECIFIED, UNRECOGNIZED -> null;
    };
  }

  private static DeliveryResult protocolError(Command.Send cmd, String what) {
    return new DeliveryResult.Failed(
        "protocol error: participant at "
            + cmd.endpoint()
            + " answered "
            + cmd.phase()
            + " of xid "
            + cmd.xid()
            + " branch "
            + cmd.branchId()
            + " with "
            + what);
  }

  private static <T extends Message> StreamObserver<T> completing(
      CompletableFuture<Message> answer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        answer.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        // A unary call without a message ends in onError, so nothing to do here.
      }
    };
  }
}
