package io.zabtx.coordinator.participant;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ParticipantGateway}.
 *
 * @param maxInFlight deliveries under way at once, counting those waiting for a retry; a send
 *     beyond it fails at once
 * @param maxChannels gRPC channels kept open (one per participant endpoint); the least recently
 *     used idle one is closed to make room
 * @param retryMaxAttempts attempts of a phase-2 message (the first one included); phase-1 messages
 *     are tried exactly once
 * @param retryBackoffMin the wait before the first retry; it doubles (with jitter) per retry
 * @param retryBackoffMax the longest wait between two attempts
 * @param breakerWindowSize the circuit breaker's count-based sliding window, in calls
 * @param breakerMinimumCalls calls an endpoint's breaker must see before it may open
 * @param breakerFailureRatePercent the failure rate (1-100) at which an endpoint's breaker opens
 * @param breakerOpenWait how long an open breaker fails calls at once before it lets a few through
 *     (half-open)
 * @param breakerHalfOpenCalls calls let through while half-open to decide whether to close again
 * @param callbackThreads threads of the gateway's own executor (gRPC callbacks, retry timers,
 *     results)
 */
public record GatewayConfig(
    int maxInFlight,
    int maxChannels,
    int retryMaxAttempts,
    Duration retryBackoffMin,
    Duration retryBackoffMax,
    int breakerWindowSize,
    int breakerMinimumCalls,
    int breakerFailureRatePercent,
    Duration breakerOpenWait,
    int breakerHalfOpenCalls,
    int callbackThreads) {

  /** Validates every setting, with a message that names it. */
  public GatewayConfig {
    requireRange("maxInFlight", maxInFlight, 1, 1_000_000);
    requireRange("maxChannels", maxChannels, 1, 100_000);
    requireRange("retryMaxAttempts", retryMaxAttempts, 1, 100);
    requirePositive("retryBackoffMin", retryBackoffMin);
    requirePositive("retryBackoffMax", retryBackoffMax);
    if (retryBackoffMax.compareTo(retryBackoffMin) < 0) {
      throw new IllegalArgumentException(
          "retryBackoffMax ("
              + retryBackoffMax
              + ") must not be shorter than retryBackoffMin ("
              + retryBackoffMin
              + ")");
    }
    requireRange("breakerWindowSize", breakerWindowSize, 1, 10_000);
    requireRange("breakerMinimumCalls", breakerMinimumCalls, 1, breakerWindowSize);
    requireRange("breakerFailureRatePercent", breakerFailureRatePercent, 1, 100);
    requirePositive("breakerOpenWait", breakerOpenWait);
    requireRange("breakerHalfOpenCalls", breakerHalfOpenCalls, 1, 1_000);
    requireRange("callbackThreads", callbackThreads, 1, 64);
  }

  /**
   * The defaults: 10,000 deliveries in flight, 1,024 channels, 4 attempts backing off from 20 ms to
   * 1 s, a breaker over the last 20 calls that opens at 50% failures (after 10 calls) for 5 s and
   * then tries 2 calls, 2 callback threads.
   */
  public static GatewayConfig defaults() {
    return new GatewayConfig(
        10_000,
        1_024,
        4,
        Duration.ofMillis(20),
        Duration.ofSeconds(1),
        20,
        10,
        50,
        Duration.ofSeconds(5),
        2,
        2);
  }

  /** This configuration with another {@code maxInFlight}. */
  public GatewayConfig withMaxInFlight(int value) {
    return new GatewayConfig(
        value,
        maxChannels,
        retryMaxAttempts,
        retryBackoffMin,
        retryBackoffMax,
        breakerWindowSize,
        breakerMinimumCalls,
        breakerFailureRatePercent,
        breakerOpenWait,
        breakerHalfOpenCalls,
        callbackThreads);
  }

  /** This configuration with another {@code maxChannels}. */
  public GatewayConfig withMaxChannels(int value) {
    return new GatewayConfig(
        maxInFlight,
        value,
        retryMaxAttempts,
        retryBackoffMin,
        retryBackoffMax,
        breakerWindowSize,
        breakerMinimumCalls,
        breakerFailureRatePercent,
        breakerOpenWait,
        breakerHalfOpenCalls,
        callbackThreads);
  }

  /** This configuration with other phase-2 retry settings. */
  public GatewayConfig withRetry(int maxAttempts, Duration backoffMin, Duration backoffMax) {
    return new GatewayConfig(
        maxInFlight,
        maxChannels,
        maxAttempts,
        backoffMin,
        backoffMax,
        breakerWindowSize,
        breakerMinimumCalls,
        breakerFailureRatePercent,
        breakerOpenWait,
        breakerHalfOpenCalls,
        callbackThreads);
  }

  /** This configuration with other circuit breaker settings. */
  public GatewayConfig withBreaker(
      int windowSize, int minimumCalls, int failureRatePercent, Duration openWait, int halfOpen) {
    return new GatewayConfig(
        maxInFlight,
        maxChannels,
        retryMaxAttempts,
        retryBackoffMin,
        retryBackoffMax,
        windowSize,
        minimumCalls,
        failureRatePercent,
        openWait,
        halfOpen,
        callbackThreads);
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", was " + value);
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name + " must be set");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
