package io.zabtx.coordinator.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Settings are validated with messages that name the setting. */
class GatewayConfigTest {

  @Test
  void defaultsAreValid() {
    GatewayConfig defaults = GatewayConfig.defaults();

    assertThat(defaults.retryMaxAttempts()).isEqualTo(4);
    assertThat(defaults.retryBackoffMin()).isEqualTo(Duration.ofMillis(20));
    assertThat(defaults.retryBackoffMax()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void badValuesAreRejectedByName() {
    GatewayConfig d = GatewayConfig.defaults();
    assertThatThrownBy(() -> d.withMaxInFlight(0)).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> d.withMaxChannels(-1)).hasMessageContaining("maxChannels");
    assertThatThrownBy(() -> d.withRetry(0, Duration.ofMillis(1), Duration.ofMillis(2)))
        .hasMessageContaining("retryMaxAttempts");
    assertThatThrownBy(() -> d.withRetry(2, Duration.ofMillis(10), Duration.ofMillis(5)))
        .hasMessageContaining("retryBackoffMax");
    assertThatThrownBy(() -> d.withRetry(2, null, Duration.ofMillis(5)))
        .hasMessageContaining("retryBackoffMin");
    assertThatThrownBy(() -> d.withBreaker(10, 11, 50, Duration.ofSeconds(1), 1))
        .hasMessageContaining("breakerMinimumCalls");
    assertThatThrownBy(() -> d.withBreaker(10, 5, 101, Duration.ofSeconds(1), 1))
        .hasMessageContaining("breakerFailureRatePercent");
    assertThatThrownBy(() -> d.withBreaker(10, 5, 50, Duration.ZERO, 1))
        .hasMessageContaining("breakerOpenWait");
  }

  @Test
  void endpointParsing_acceptsHostsAndIpv6() {
    assertThat(EndpointAddress.parse("127.0.0.1:9000"))
        .isEqualTo(new EndpointAddress("127.0.0.1", 9000));
    assertThat(EndpointAddress.parse("participant-1.svc:443"))
        .isEqualTo(new EndpointAddress("participant-1.svc", 443));
    assertThat(EndpointAddress.parse("[::1]:7")).isEqualTo(new EndpointAddress("::1", 7));
  }
}
