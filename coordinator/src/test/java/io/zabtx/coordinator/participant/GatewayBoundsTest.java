package io.zabtx.coordinator.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.testing.FakeParticipant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backlog and channel bounds, and close() with deliveries in flight. */
class GatewayBoundsTest {

  @Test
  void beyondMaxInFlight_aSendFailsAtOnce_andRoomReturnsWhenCallsEnd() {
    try (GatewayHarness harness =
        new GatewayHarness(GatewayHarness.fastConfig().withMaxInFlight(3))) {
      FakeParticipant fake = harness.fake().hang(Phase.PREPARE);
      List<ResultProbe> hung = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        hung.add(harness.send(harness.message(Phase.PREPARE, fake.endpoint(), 30_000)));
      }
      fake.awaitHung(3, GatewayHarness.WAIT);
      assertThat(harness.gateway.inFlightCount()).isEqualTo(3);

      DeliveryResult refused =
          harness
              .send(harness.message(Phase.COMMIT, fake.endpoint(), 30_000))
              .await(Duration.ofSeconds(2));

      assertThat(refused)
          .isInstanceOfSatisfying(
              DeliveryResult.Failed.class,
              f -> assertThat(f.why()).startsWith("participant backlog full"));
      assertThat(fake.callCount(Phase.COMMIT)).isZero();
      assertThat(hung).noneMatch(ResultProbe::isDone);

      fake.release();
      for (ResultProbe probe : hung) {
        assertThat(probe.await(GatewayHarness.WAIT))
            .isEqualTo(new DeliveryResult.Voted(Vote.YES, ""));
      }
      await().atMost(GatewayHarness.WAIT).until(() -> harness.gateway.inFlightCount() == 0);
      assertThat(harness.deliver(harness.message(Phase.COMMIT, fake.endpoint(), 2_000)))
          .isInstanceOf(DeliveryResult.Acked.class);
    }
  }

  @Test
  void close_failsWhatIsInFlightOnce_andEverySendAfter() {
    GatewayHarness harness = new GatewayHarness();
    FakeParticipant fake = harness.fake().hang(Phase.COMMIT).hang(Phase.PREPARE);
    List<ResultProbe> inFlight = new ArrayList<>();
    inFlight.add(harness.send(harness.message(Phase.PREPARE, fake.endpoint(), 30_000)));
    inFlight.add(harness.send(harness.message(Phase.COMMIT, fake.endpoint(), 30_000)));
    fake.awaitHung(2, GatewayHarness.WAIT);

    harness.gateway.close();

    for (ResultProbe probe : inFlight) {
      assertThat(probe.await(Duration.ofSeconds(1)))
          .isEqualTo(new DeliveryResult.Failed("coordinator shutting down"));
    }
    ResultProbe late = harness.send(harness.message(Phase.ABORT, fake.endpoint(), 1_000));
    assertThat(late.await(Duration.ofSeconds(1)))
        .isEqualTo(new DeliveryResult.Failed("coordinator shutting down"));
    assertThat(harness.gateway.channelCount()).isZero();
    fake.release(); // answers reach no one
    harness.close(); // checks every probe was called exactly once
  }

  @Test
  void close_failsADeliveryWaitingForItsNextRetry() {
    GatewayHarness harness =
        new GatewayHarness(
            GatewayHarness.fastConfig()
                .withRetry(4, Duration.ofSeconds(30), Duration.ofSeconds(30)));
    FakeParticipant fake = harness.fake();
    fake.failNext(Phase.ABORT, 100);
    ResultProbe waiting = harness.send(harness.message(Phase.ABORT, fake.endpoint(), 5_000));
    fake.awaitCalls(Phase.ABORT, 1, GatewayHarness.WAIT);
    assertThat(waiting.isDone()).isFalse();

    harness.close();

    assertThat(waiting.await(Duration.ofSeconds(1)))
        .isEqualTo(new DeliveryResult.Failed("coordinator shutting down"));
    assertThat(fake.callCount(Phase.ABORT)).isEqualTo(1);
  }

  @Test
  void sendsRacingClose_areEachReportedExactlyOnce() throws Exception {
    GatewayHarness harness = new GatewayHarness(GatewayHarness.fastConfig().withMaxInFlight(50));
    FakeParticipant fake = harness.fake().delay(Phase.COMMIT, Duration.ofMillis(5));
    int threads = 4;
    int sendsPerThread = 200;
    java.util.concurrent.CountDownLatch halfway = new java.util.concurrent.CountDownLatch(threads);
    java.util.concurrent.ExecutorService senders =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        senders.submit(
            () -> {
              for (int i = 0; i < sendsPerThread; i++) {
                harness.send(harness.message(Phase.COMMIT, fake.endpoint(), 5_000));
                if (i == sendsPerThread / 2) {
                  halfway.countDown();
                }
              }
            });
      }
      assertThat(halfway.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      harness.gateway.close();
    } finally {
      senders.shutdown();
      assertThat(senders.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    harness.close(); // every one of the 800 sends reported exactly once
    assertThat(harness.probeCount()).isEqualTo(threads * sendsPerThread);
  }

  @Test
  void channelCacheIsBounded_andEvictsTheLeastRecentlyUsed() {
    try (GatewayHarness harness =
        new GatewayHarness(GatewayHarness.fastConfig().withMaxChannels(2))) {
      FakeParticipant a = harness.fake();
      FakeParticipant b = harness.fake();
      FakeParticipant c = harness.fake();
      assertThat(harness.deliver(harness.message(Phase.COMMIT, a.endpoint(), 2_000)))
          .isInstanceOf(DeliveryResult.Acked.class);
      assertThat(harness.deliver(harness.message(Phase.COMMIT, b.endpoint(), 2_000)))
          .isInstanceOf(DeliveryResult.Acked.class);
      assertThat(harness.deliver(harness.message(Phase.COMMIT, a.endpoint(), 2_000)))
          .isInstanceOf(DeliveryResult.Acked.class);

      // a was used after b, so b is the least recently used.
      assertThat(harness.deliver(harness.message(Phase.COMMIT, c.endpoint(), 2_000)))
          .isInstanceOf(DeliveryResult.Acked.class);

      assertThat(harness.gateway.channelCount()).isEqualTo(2);
      assertThat(harness.gateway.hasChannel(a.endpoint())).isTrue();
      assertThat(harness.gateway.hasChannel(b.endpoint())).isFalse();
      assertThat(harness.gateway.hasChannel(c.endpoint())).isTrue();
      assertThat(harness.gateway.breaker(b.endpoint())).isEmpty();

      // An evicted endpoint is simply reconnected.
      assertThat(harness.deliver(harness.message(Phase.COMMIT, b.endpoint(), 2_000)))
          .isInstanceOf(DeliveryResult.Acked.class);
      assertThat(harness.gateway.channelCount()).isEqualTo(2);
    }
  }

  @Test
  void aChannelWithCallsInFlightIsNotEvicted() {
    try (GatewayHarness harness =
        new GatewayHarness(GatewayHarness.fastConfig().withMaxChannels(1))) {
      FakeParticipant busy = harness.fake().hang(Phase.PREPARE);
      FakeParticipant other = harness.fake();
      ResultProbe hung = harness.send(harness.message(Phase.PREPARE, busy.endpoint(), 30_000));
      busy.awaitHung(1, GatewayHarness.WAIT);

      DeliveryResult refused =
          harness.deliver(harness.message(Phase.COMMIT, other.endpoint(), 2_000));

      assertThat(refused)
          .isInstanceOfSatisfying(
              DeliveryResult.Failed.class,
              f -> assertThat(f.why()).contains("all 1 participant channels have calls in flight"));
      busy.release();
      assertThat(hung.await(GatewayHarness.WAIT)).isInstanceOf(DeliveryResult.Voted.class);
      await().atMost(GatewayHarness.WAIT).until(() -> harness.gateway.inFlightCount() == 0);
      assertThat(harness.deliver(harness.message(Phase.COMMIT, other.endpoint(), 2_000)))
          .isInstanceOf(DeliveryResult.Acked.class);
      assertThat(harness.gateway.hasChannel(busy.endpoint())).isFalse();
    }
  }
}
