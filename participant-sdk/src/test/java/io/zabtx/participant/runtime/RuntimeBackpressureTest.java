package io.zabtx.participant.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.coordinator.cluster.FreePorts;
import io.zabtx.protocol.v1.ParticipantServiceGrpc;
import io.zabtx.protocol.v1.ParticipantServiceGrpc.ParticipantServiceBlockingStub;
import io.zabtx.protocol.v1.PhaseRequest;
import io.zabtx.protocol.v1.Protocol;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime's limits and shutdown, with its engine thread held still (its clock blocks on
 * demand): a full inbox answers RESOURCE_EXHAUSTED with a retry hint, closing fails the requests
 * still waiting with UNAVAILABLE, and a closed runtime refuses work and phase messages. No
 * coordinator is needed (its only address is dead).
 */
class RuntimeBackpressureTest {

  private final AtomicBoolean hold = new AtomicBoolean();
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private CoordinatorClient client;
  private ParticipantRuntime runtime;
  private ParticipantServer server;
  private ManagedChannel channel;
  private ParticipantServiceBlockingStub stub;

  @BeforeEach
  void start() throws SQLException {
    client = CoordinatorClient.builder(List.of("127.0.0.1:" + FreePorts.next())).build();
    runtime =
        ParticipantRuntime.builder(new InMemoryBranchStore(), client)
            .branchConfig(TestParticipant.CONFIG)
            .inboxCapacity(1)
            .tick(Duration.ofMillis(10))
            .closeTimeout(Duration.ofSeconds(2))
            .clock(this::clock)
            .meterRegistry(registry)
            .build()
            .start();
    server = ParticipantServer.builder(runtime).host("127.0.0.1").build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    stub = ParticipantServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    release.countDown();
    channel.shutdownNow();
    server.close();
    runtime.close();
    client.close();
  }

  @Test
  void aFullInboxIsResourceExhaustedAndClosingFailsWhatStillWaits() throws Exception {
    hold.set(true);
    assertThat(held.await(5, TimeUnit.SECONDS)).isTrue(); // the engine thread is stuck in a tick
    CompletableFuture<Object> queued =
        CompletableFuture.supplyAsync(() -> stub.abort(request("800-1")));
    await().atMost(Duration.ofSeconds(5)).until(() -> inboxDepth() >= 1);

    assertThatThrownBy(() -> stub.abort(request("800-2")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).contains("inbox is full");
              assertThat(e.getTrailers().get(CoordinatorClient.RETRY_AFTER_MS)).isEqualTo("50");
            });

    // Closing while the engine thread is still stuck: the queued abort is failed, not lost.
    CompletableFuture<Void> closing = CompletableFuture.runAsync(runtime::close);
    assertThatThrownBy(queued::join)
        .hasRootCauseInstanceOf(StatusRuntimeException.class)
        .rootCause()
        .satisfies(
            e ->
                assertThat(((StatusRuntimeException) e).getStatus().getCode())
                    .isEqualTo(Status.Code.UNAVAILABLE));
    release.countDown();
    closing.get(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> stub.abort(request("800-3")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThatThrownBy(() -> runtime.enlist("800-4"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("closed");
  }

  private long clock() {
    if (hold.get() && Thread.currentThread().getName().equals("zabtx-participant-engine")) {
      held.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return System.currentTimeMillis();
  }

  private double inboxDepth() {
    return registry.get("zabtx.participant.inbox.depth").gauge().value();
  }

  private static PhaseRequest request(String xid) {
    return PhaseRequest.newBuilder()
        .setXid(xid)
        .setBranchId(1)
        .setProtocol(Protocol.TWO_PHASE)
        .build();
  }
}
