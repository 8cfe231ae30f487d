package io.zabtx.coordinator.participant;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.testing.FakeParticipant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway's meters, and resilience4j's, under the names the docs give. */
class GatewayMetricsTest {

  private final GatewayHarness harness = new GatewayHarness();
  private final FakeParticipant fake = harness.fake();

  @AfterEach
  void close() {
    harness.close();
  }

  @Test
  void callsLatencyInflightAndChannels_areMetered() {
    harness.deliver(harness.message(Phase.PREPARE, fake.endpoint(), 2_000));
    Phase phase = Phase.PREPARE;
    var noVote = harness.message(phase, fake.endpoint(), 2_000);
    fake.vote(noVote.xid().toString(), Vote.NO, "nope");
    harness.deliver(noVote);
    harness.deliver(harness.message(Phase.COMMIT, fake.endpoint(), 2_000));
    harness.deliver(harness.message(Phase.ABORT, "bad endpoint", 2_000));

    var registry = harness.registry;
    assertThat(count("prepare", "yes")).isEqualTo(1);
    assertThat(count("prepare", "no")).isEqualTo(1);
    assertThat(count("commit", "acked")).isEqualTo(1);
    assertThat(count("abort", "failed")).isEqualTo(1);
    assertThat(count("can_commit", "yes")).isZero();
    assertThat(
            registry.get("zabtx.participant.call.latency").tag("phase", "prepare").timer().count())
        .isEqualTo(2);
    assertThat(registry.get("zabtx.participant.inflight").gauge().value()).isZero();
    assertThat(registry.get("zabtx.participant.channels").gauge().value()).isEqualTo(1);
  }

  @Test
  void resilience4jMeters_areBound() {
    harness.deliver(harness.message(Phase.COMMIT, fake.endpoint(), 2_000));

    assertThat(harness.registry.getMeters())
        .extracting(m -> m.getId().getName())
        .contains("resilience4j.circuitbreaker.state", "resilience4j.retry.calls");
    double closed =
        harness
            .registry
            .get("resilience4j.circuitbreaker.state")
            .tag("name", fake.endpoint())
            .tag("state", "closed")
            .gauge()
            .value();
    assertThat(closed).isEqualTo(1.0);
    double retrySuccesses =
        harness
            .registry
            .get("resilience4j.retry.calls")
            .tag("name", "participant-phase2")
            .tag("kind", "successful_without_retry")
            .functionCounter()
            .count();
    assertThat(retrySuccesses).isEqualTo(1.0);
  }

  private double count(String phase, String result) {
    return harness
        .registry
        .get("zabtx.participant.calls")
        .tag("phase", phase)
        .tag("result", result)
        .counter()
        .count();
  }
}
