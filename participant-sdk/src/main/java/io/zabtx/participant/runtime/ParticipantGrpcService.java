package io.zabtx.participant.runtime;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchProtocol;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.branch.Phase;
import io.zabtx.participant.context.DtxContext;
import io.zabtx.protocol.v1.AckResponse;
import io.zabtx.protocol.v1.ParticipantServiceGrpc;
import io.zabtx.protocol.v1.PhaseRequest;
import io.zabtx.protocol.v1.VoteResponse;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The phase messages of {@code zabtx.v1.ParticipantService}, handed to a {@link
 * ParticipantRuntime}. A call is answered when the engine emits the vote or acknowledgement for it,
 * i.e. once what it reports is durable; handlers never block.
 *
 * <p>Errors, chosen for how the coordinator's gateway reads them:
 *
 * <ul>
 *   <li>INVALID_ARGUMENT: a malformed xid, a branch_id below 1, no protocol, or a protocol that
 *       does not match the phase (Prepare is 2PC, CanCommit/PreCommit 3PC). Not retried.
 *   <li>ABORTED: the engine rejected the message (it does not fit the branch's state now, e.g. a
 *       PreCommit before any YES vote, or recording the state failed). Nothing changed; the gateway
 *       retries phase-2 messages on ABORTED, and treats a phase-1 failure as no vote.
 *   <li>RESOURCE_EXHAUSTED (with {@code retry-after-ms}): the engine's inbox is full.
 *   <li>UNAVAILABLE: the participant is shutting down.
 * </ul>
 */
public final class ParticipantGrpcService
    extends ParticipantServiceGrpc.ParticipantServiceImplBase {

  private static final Metadata.Key<String> RETRY_AFTER_MS = CoordinatorClient.RETRY_AFTER_MS;
  private static final String BUSY_RETRY_AFTER_MS = "50";

  private final ParticipantRuntime runtime;

  /** Serves the phase messages of {@code runtime}. */
  public ParticipantGrpcService(ParticipantRuntime runtime) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
  }

  @Override
  public void prepare(PhaseRequest request, StreamObserver<VoteResponse> out) {
    handle(request, Phase.PREPARE, new VoteReply(out));
  }

  @Override
  public void canCommit(PhaseRequest request, StreamObserver<VoteResponse> out) {
    handle(request, Phase.CAN_COMMIT, new VoteReply(out));
  }

  @Override
  public void preCommit(PhaseRequest request, StreamObserver<AckResponse> out) {
    handle(request, Phase.PRE_COMMIT, new AckReply(out));
  }

  @Override
  public void commit(PhaseRequest request, StreamObserver<AckResponse> out) {
    handle(request, Phase.COMMIT, new AckReply(out));
  }

  @Override
  public void abort(PhaseRequest request, StreamObserver<AckResponse> out) {
    handle(request, Phase.ABORT, new AckReply(out));
  }

  private void handle(PhaseRequest request, Phase phase, Reply<?> reply) {
    String problem = problem(request, phase);
    if (problem != null) {
      runtime.metrics().phase(phase, "invalid");
      reply.fail(Status.INVALID_ARGUMENT.withDescription(problem), null);
      return;
    }
    BranchKey key = new BranchKey(request.getXid(), request.getBranchId());
    BranchProtocol protocol = WireMapping.protocol(request.getProtocol());
    switch (runtime.phase(key, protocol, phase, reply)) {
      case ACCEPTED -> {}
      case BUSY -> {
        runtime.metrics().phase(phase, "busy");
        Metadata md = new Metadata();
        md.put(RETRY_AFTER_MS, BUSY_RETRY_AFTER_MS);
        reply.fail(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "participant overloaded: its engine inbox is full; "
                    + phase
                    + " not handled,"
                    + " repeat it later"),
            md);
      }
      case CLOSED -> {
        runtime.metrics().phase(phase, "closed");
        reply.unavailable("participant shutting down");
      }
    }
  }

  /** Why {@code r} is not a well-formed {@code phase} message, or null if it is. */
  static String problem(PhaseRequest r, Phase phase) {
    if (!DtxContext.isValidXid(r.getXid())) {
      String x = r.getXid().length() > 40 ? r.getXid().substring(0, 40) + "..." : r.getXid();
      return phase
          + ": malformed xid '"
          + x
          + "': expected <epoch>-<counter> as the coordinator"
          + " issues it";
    }
    if (r.getBranchId() <= 0) {
      return phase
          + " of xid "
          + r.getXid()
          + ": branch_id must be positive, got "
          + r.getBranchId();
    }
    BranchProtocol protocol = WireMapping.protocol(r.getProtocol());
    if (protocol == null) {
      return phase
          + " of xid "
          + r.getXid()
          + ": protocol must be TWO_PHASE or THREE_PHASE, got "
          + r.getProtocol();
    }
    BranchProtocol expected = WireMapping.protocolOf(phase);
    if (expected != null && expected != protocol) {
      return phase
          + " of xid "
          + r.getXid()
          + " is a message of "
          + WireMapping.protocol(expected)
          + ", not of "
          + r.getProtocol();
    }
    return null;
  }

  /** Completes one unary call exactly once; a call already cancelled by the caller is ignored. */
  private abstract static class Reply<T> implements PhaseReply {
    private final StreamObserver<T> out;
    private final AtomicBoolean done = new AtomicBoolean();

    Reply(StreamObserver<T> out) {
      this.out = out;
    }

    void send(T response) {
      if (done.compareAndSet(false, true)) {
        try {
          out.onNext(response);
          out.onCompleted();
        } catch (RuntimeException cancelled) {
          // The coordinator gave up on this call (deadline); it asks again.
        }
      }
    }

    void fail(Status status, Metadata trailers) {
      if (done.compareAndSet(false, true)) {
        try {
          out.onError(status.asRuntimeException(trailers));
        } catch (RuntimeException cancelled) {
          // as above
        }
      }
    }

    @Override
    public void rejected(String reason) {
      fail(Status.ABORTED.withDescription(reason), null);
    }

    @Override
    public void unavailable(String reason) {
      fail(Status.UNAVAILABLE.withDescription(reason), null);
    }
  }

  private static final class VoteReply extends Reply<VoteResponse> {
    VoteReply(StreamObserver<VoteResponse> out) {
      super(out);
    }

    @Override
    public void voted(boolean yes, String reason) {
      send(
          VoteResponse.newBuilder()
              .setVote(yes ? io.zabtx.protocol.v1.Vote.YES : io.zabtx.protocol.v1.Vote.NO)
              .setReason(reason == null ? "" : reason)
              .build());
    }

    @Override
    public void acked(BranchState state) {
      fail(
          Status.INTERNAL.withDescription("engine acknowledged a vote request with " + state),
          null);
    }
  }

  private static final class AckReply extends Reply<AckResponse> {
    AckReply(StreamObserver<AckResponse> out) {
      super(out);
    }

    @Override
    public void voted(boolean yes, String reason) {
      fail(Status.INTERNAL.withDescription("engine voted on an acknowledgement request"), null);
    }

    @Override
    public void acked(BranchState state) {
      send(
          AckResponse.newBuilder()
              .setState(WireMapping.branchState(state))
              .setDetail(state.isHeuristic() ? "reached on the participant's own: " + state : "")
              .build());
    }
  }
}
