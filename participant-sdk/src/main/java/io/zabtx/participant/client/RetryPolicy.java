package io.zabtx.participant.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How {@link DtxClient} retries: at most {@code maxAttempts} calls per operation in all, each with
 * deadline {@code callTimeout}. A failed node is left for the next address at once; after every
 * address failed once in a round, the client waits a backoff that doubles from {@code
 * initialBackoff} to {@code maxBackoff} (with jitter), or the coordinator's retry hint if longer.
 */
record RetryPolicy(
    Duration callTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  static final int MAX_ATTEMPTS_LIMIT = 1_000;

  RetryPolicy {
    requirePositive(callTimeout, "callTimeout");
    requirePositive(initialBackoff, "initialBackoff");
    requirePositive(maxBackoff, "maxBackoff");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff ("
              + maxBackoff
              + ") must not be below initialBackoff ("
              + initialBackoff
              + ")");
    }
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new IllegalArgumentException(
          "maxAttempts must be between 1 and " + MAX_ATTEMPTS_LIMIT + ", got " + maxAttempts);
    }
  }

  static RetryPolicy defaults() {
    return new RetryPolicy(
        Duration.ofSeconds(10), 10, Duration.ofMillis(100), Duration.ofSeconds(2));
  }

  /** The wait after failed round {@code round} (0-based), at least {@code hintMillis}. */
  long backoffMillis(int round, long hintMillis) {
    long base = initialBackoff.toMillis() << Math.min(round, 20);
    long capped = Math.min(base, maxBackoff.toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Math.max(jittered, hintMillis);
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
  }
}
