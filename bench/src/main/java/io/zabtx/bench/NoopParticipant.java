package io.zabtx.bench;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.zabtx.protocol.v1.AckResponse;
import io.zabtx.protocol.v1.BranchState;
import io.zabtx.protocol.v1.ParticipantServiceGrpc;
import io.zabtx.protocol.v1.PhaseRequest;
import io.zabtx.protocol.v1.Vote;
import io.zabtx.protocol.v1.VoteResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A participant that does nothing: votes YES, acknowledges every phase message at once. One JVM
 * serves every branch slot, one gRPC server per port (all on grpc's shared event loops, replies on
 * the event loop thread: directExecutor), so eight slots cost one JVM's worth of JIT and GC on a
 * 2-core machine instead of eight.
 *
 * <pre>noop-participant --host 127.0.0.1 --ports 27501,27502,...</pre>
 */
final class NoopParticipant extends ParticipantServiceGrpc.ParticipantServiceImplBase {

  private static final VoteResponse YES = VoteResponse.newBuilder().setVote(Vote.YES).build();
  private static final AckResponse PRECOMMITTED =
      AckResponse.newBuilder().setState(BranchState.PRECOMMITTED).build();
  private static final AckResponse COMMITTED =
      AckResponse.newBuilder().setState(BranchState.BRANCH_COMMITTED).build();
  private static final AckResponse ABORTED =
      AckResponse.newBuilder().setState(BranchState.BRANCH_ABORTED).build();

  final AtomicLong calls = new AtomicLong();

  static void run(Args a) throws Exception {
    String host = a.get("host", "127.0.0.1");
    NoopParticipant service = new NoopParticipant();
    List<Server> servers = new ArrayList<>();
    for (String p : a.get("ports").split(",")) {
      servers.add(
          NettyServerBuilder.forAddress(new InetSocketAddress(host, Integer.parseInt(p.trim())))
              .directExecutor()
              .addService(service)
              .build()
              .start());
    }
    System.out.println("READY participants=" + servers.size());
    System.out.flush();
    for (Server s : servers) {
      s.awaitTermination();
    }
  }

  @Override
  public void prepare(PhaseRequest request, StreamObserver<VoteResponse> out) {
    reply(out, YES);
  }

  @Override
  public void canCommit(PhaseRequest request, StreamObserver<VoteResponse> out) {
    reply(out, YES);
  }

  @Override
  public void preCommit(PhaseRequest request, StreamObserver<AckResponse> out) {
    reply(out, PRECOMMITTED);
  }

  @Override
  public void commit(PhaseRequest request, StreamObserver<AckResponse> out) {
    reply(out, COMMITTED);
  }

  @Override
  public void abort(PhaseRequest request, StreamObserver<AckResponse> out) {
    reply(out, ABORTED);
  }

  private <T> void reply(StreamObserver<T> out, T value) {
    calls.incrementAndGet();
    out.onNext(value);
    out.onCompleted();
  }
}
