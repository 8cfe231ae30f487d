package io.zabtx.participant.runtime;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.participant.branch.BranchConfig;
import io.zabtx.participant.jdbc.BranchTicket;
import io.zabtx.protocol.v1.ParticipantServiceGrpc;
import io.zabtx.protocol.v1.ParticipantServiceGrpc.ParticipantServiceBlockingStub;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A participant as an application runs it: a {@link ParticipantRuntime} over a store, its {@link
 * ParticipantServer} on loopback and a {@link CoordinatorClient}; plus what tests need around it:
 * the "local work" of a branch, phase messages that can be made to fail on the way in (as if the
 * network dropped them), and a direct client of its endpoint.
 */
final class TestParticipant implements AutoCloseable {

  /** Short timings: deadlines of a few hundred ms, heuristic-after 1 s. */
  static final BranchConfig CONFIG = new BranchConfig(1_000, 50, 200, 1_000, 60_000, 16);

  final InMemoryBranchStore store;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final CoordinatorClient client;
  final ParticipantRuntime runtime;
  final ParticipantServer server;
  private final Set<String> dropped = ConcurrentHashMap.newKeySet();
  private ManagedChannel channel;

  TestParticipant(InMemoryBranchStore store, List<String> coordinators) throws SQLException {
    this.store = store;
    this.client =
        CoordinatorClient.builder(coordinators)
            .callTimeout(Duration.ofMillis(500))
            .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
            .meterRegistry(registry)
            .build();
    this.runtime =
        ParticipantRuntime.builder(store, client)
            .branchConfig(CONFIG)
            .resource("test/accounts")
            .tick(Duration.ofMillis(20))
            .meterRegistry(registry)
            .build()
            .start();
    this.server =
        ParticipantServer.builder(runtime).host("127.0.0.1").port(0).interceptor(dropper()).build();
    server.start();
  }

  /** Local work under {@code xid}: enlist, the work's local transaction, workCommitted. */
  BranchTicket work(String xid) throws SQLException {
    BranchTicket t = runtime.enlist(xid);
    store.writeWork(t);
    runtime.workCommitted(t);
    return t;
  }

  /** Calls of {@code method} (e.g. "Commit", "PreCommit") fail UNAVAILABLE before the service. */
  void drop(String method) {
    dropped.add(method);
  }

  void stopDropping() {
    dropped.clear();
  }

  /** A client of this participant's endpoint, as the coordinator calls it. */
  synchronized ParticipantServiceBlockingStub direct() {
    if (channel == null) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }
    return ParticipantServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  double counter(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private ServerInterceptor dropper() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        if (dropped.contains(method)) {
          call.close(Status.UNAVAILABLE.withDescription("dropped by the test"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
      }
    };
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
    server.close();
    runtime.close();
    client.close();
  }
}
