package io.zabtx.coordinator.participant;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.testing.FakeParticipant;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Phase 1 is tried once; phase 2 is retried on transient failures, then reported failed. */
class DeliveryFailureTest {

  private final GatewayHarness harness = new GatewayHarness();
  private final FakeParticipant fake = harness.fake();

  @AfterEach
  void close() {
    harness.close();
  }

  @Test
  void phaseOneDeadlineExceeded_failsWithoutRetry() {
    fake.hang(Phase.PREPARE);

    long start = System.nanoTime();
    DeliveryResult result = harness.deliver(harness.message(Phase.PREPARE, fake.endpoint(), 200));

    assertThat(result)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class,
            f ->
                assertThat(f.why())
                    .contains("PREPARE", fake.endpoint(), "no answer within 200 ms"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(fake.callCount(Phase.PREPARE)).isEqualTo(1);
  }

  @Test
  void phaseOneUnavailable_isNotRetried() {
    fake.failNext(Phase.CAN_COMMIT, 1);

    DeliveryResult result =
        harness.deliver(harness.message(Phase.CAN_COMMIT, fake.endpoint(), 2_000));

    assertThat(result)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class, f -> assertThat(f.why()).contains("UNAVAILABLE"));
    assertThat(fake.callCount(Phase.CAN_COMMIT)).isEqualTo(1);
  }

  @Test
  void phaseTwoIsRetriedAfterTransientUnavailable_thenAcked() {
    fake.failNext(Phase.COMMIT, 2);

    DeliveryResult result = harness.deliver(harness.message(Phase.COMMIT, fake.endpoint(), 2_000));

    assertThat(result)
        .isInstanceOfSatisfying(
            DeliveryResult.Acked.class,
            a -> assertThat(a.state()).isEqualTo(BranchStatus.COMMITTED));
    assertThat(fake.callCount(Phase.COMMIT)).isEqualTo(3);
  }

  @Test
  void phaseTwoRetriesExhausted_fail() {
    fake.failNext(Phase.ABORT, 100);

    DeliveryResult result = harness.deliver(harness.message(Phase.ABORT, fake.endpoint(), 2_000));

    assertThat(result)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class,
            f -> assertThat(f.why()).contains("ABORT", "after 4 attempts", "UNAVAILABLE"));
    assertThat(fake.callCount(Phase.ABORT)).isEqualTo(4);
  }

  @Test
  void phaseTwoAttemptThatTimesOut_isRetriedWithItsOwnDeadline() {
    fake.hang(Phase.PRE_COMMIT);

    DeliveryResult result =
        harness.deliver(harness.message(Phase.PRE_COMMIT, fake.endpoint(), 100));

    assertThat(result)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class,
            f -> assertThat(f.why()).contains("after 4 attempts", "no answer within 100 ms"));
    assertThat(fake.callCount(Phase.PRE_COMMIT)).isEqualTo(4);
  }

  @Test
  void aDelayedAnswerWithinTheDeadline_isAnAnswer() {
    fake.delay(Phase.PREPARE, Duration.ofMillis(100));

    assertThat(harness.deliver(harness.message(Phase.PREPARE, fake.endpoint(), 5_000)))
        .isInstanceOf(DeliveryResult.Voted.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "localhost:",
        "localhost:0",
        "localhost:70000",
        "http://x:1",
        "[::1:5",
        "a b:80",
        "host:port"
      })
  void malformedEndpoint_failsAtOnce(String endpoint) {
    DeliveryResult result = harness.deliver(harness.message(Phase.COMMIT, endpoint, 1_000));

    assertThat(result)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class,
            f ->
                assertThat(f.why())
                    .contains("malformed participant endpoint", "expected host:port"));
    assertThat(harness.gateway.channelCount()).isZero();
  }

  @Test
  void unreachableEndpoint_failsWithinABound() throws IOException {
    int freePort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      freePort = socket.getLocalPort();
    }
    String nobody = "127.0.0.1:" + freePort;

    long start = System.nanoTime();
    DeliveryResult phaseOne = harness.deliver(harness.message(Phase.PREPARE, nobody, 5_000));
    DeliveryResult phaseTwo = harness.deliver(harness.message(Phase.COMMIT, nobody, 5_000));

    assertThat(phaseOne)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class, f -> assertThat(f.why()).contains("UNAVAILABLE", nobody));
    assertThat(phaseTwo)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class, f -> assertThat(f.why()).contains("UNAVAILABLE"));
    // Connection refused is immediate; the bound is the retries' backoff, far below the deadlines.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aNonPositiveTimeout_isRejectedWithAClearMessage() {
    DeliveryResult result = harness.deliver(harness.message(Phase.COMMIT, fake.endpoint(), 0));

    assertThat(result)
        .isInstanceOfSatisfying(
            DeliveryResult.Failed.class,
            f -> assertThat(f.why()).contains("timeoutMillis must be positive"));
    assertThat(fake.calls()).isEmpty();
  }
}
