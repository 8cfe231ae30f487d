package io.zabtx.coordinator.config;

import io.zabtx.coordinator.participant.GatewayConfig;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code zabtx.delivery.*}: how the coordinator calls participants (see {@link GatewayConfig}).
 *
 * @param maxInFlight deliveries in flight (retries waiting included) before new ones fail at once
 * @param maxChannels gRPC channels kept open to participant endpoints
 * @param retryMaxAttempts attempts of one phase-2 delivery before the engine is told it failed
 * @param retryBackoffMin first delay between attempts (doubling, with jitter) ...
 * @param retryBackoffMax ... up to this
 * @param breakerWindow calls in each endpoint's circuit-breaker window
 * @param breakerMinimumCalls calls before the breaker may open
 * @param breakerFailureRate failure percentage that opens it
 * @param breakerOpenWait how long it stays open before trying again
 * @param breakerHalfOpenCalls calls let through while half-open
 * @param callbackThreads threads for gRPC callbacks and retry timers
 */
@ConfigurationProperties("zabtx.delivery")
public record DeliveryProperties(
    @DefaultValue("10000") int maxInFlight,
    @DefaultValue("1024") int maxChannels,
    @DefaultValue("4") int retryMaxAttempts,
    @DefaultValue("20ms") Duration retryBackoffMin,
    @DefaultValue("1s") Duration retryBackoffMax,
    @DefaultValue("20") int breakerWindow,
    @DefaultValue("10") int breakerMinimumCalls,
    @DefaultValue("50") int breakerFailureRate,
    @DefaultValue("5s") Duration breakerOpenWait,
    @DefaultValue("2") int breakerHalfOpenCalls,
    @DefaultValue("2") int callbackThreads) {

  /** The gateway's configuration; a value it refuses stops start-up with its message. */
  public GatewayConfig toGatewayConfig() {
    try {
      return new GatewayConfig(
          maxInFlight,
          maxChannels,
          retryMaxAttempts,
          retryBackoffMin,
          retryBackoffMax,
          breakerWindow,
          breakerMinimumCalls,
          breakerFailureRate,
          breakerOpenWait,
          breakerHalfOpenCalls,
          callbackThreads);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException("zabtx.delivery.*: " + e.getMessage());
    }
  }
}
