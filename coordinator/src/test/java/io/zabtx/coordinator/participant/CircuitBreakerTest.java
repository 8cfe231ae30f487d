package io.zabtx.coordinator.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.testing.FakeParticipant;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A failing endpoint's breaker opens, fails fast without calling, then half-opens and recovers. */
class CircuitBreakerTest {

  // A window of 4 calls that opens at 50% failures; one send of a phase-2 message that keeps
  // failing makes exactly 4 attempts.
  private final GatewayHarness harness =
      new GatewayHarness(
          GatewayHarness.fastConfig().withBreaker(4, 4, 50, Duration.ofMillis(300), 1));
  private final FakeParticipant failing = harness.fake();
  private final FakeParticipant healthy = harness.fake();

  @AfterEach
  void close() {
    harness.close();
  }

  @Test
  void opensAfterFailures_failsFast_thenHalfOpensAndRecovers() {
    failing.failNext(Phase.COMMIT, 4);
    assertThat(harness.deliver(harness.message(Phase.COMMIT, failing.endpoint(), 2_000)))
        .isInstanceOf(DeliveryResult.Failed.class);
    assertThat(breakerState(failing)).isEqualTo(CircuitBreaker.State.OPEN);

    long start = System.nanoTime();
    DeliveryResult fast =
        harness.deliver(harness.message(Phase.PREPARE, failing.endpoint(), 2_000));
    assertThat(fast)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class,
            f -> assertThat(f.why()).startsWith("circuit open for " + failing.endpoint() + ": "));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(failing.calls()).hasSize(4);

    // Another participant is not affected.
    assertThat(harness.deliver(harness.message(Phase.COMMIT, healthy.endpoint(), 2_000)))
        .isInstanceOf(DeliveryResult.Acked.class);

    // Once the open wait is over, one call is let through; it succeeds and the breaker closes.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                harness.deliver(harness.message(Phase.COMMIT, failing.endpoint(), 2_000))
                    instanceof DeliveryResult.Acked);
    assertThat(breakerState(failing)).isEqualTo(CircuitBreaker.State.CLOSED);
    // Every send made while open failed without reaching the participant.
    assertThat(failing.calls()).hasSize(5);
  }

  @Test
  void aVoteNo_doesNotCountAgainstTheParticipant() {
    failing.voteByDefault(io.zabtx.coordinator.model.Vote.NO, "no");
    for (int i = 0; i < 6; i++) {
      assertThat(harness.deliver(harness.message(Phase.PREPARE, failing.endpoint(), 2_000)))
          .isInstanceOf(DeliveryResult.Voted.class);
    }
    assertThat(breakerState(failing)).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  private CircuitBreaker.State breakerState(FakeParticipant fake) {
    return harness.gateway.breaker(fake.endpoint()).orElseThrow().getState();
  }
}
