package io.zabtx.replication.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect delays with jitter: attempt n waits a random time in [d/2, d] where d =
 * min(max, min·2ⁿ). The jitter keeps nodes that lost each other at the same moment from
 * reconnecting in lockstep. Not thread-safe; the owning link guards it.
 */
final class Backoff {
  private final long minNanos;
  private final long maxNanos;
  private int attempt;

  Backoff(Duration min, Duration max) {
    this.minNanos = min.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The delay before the next attempt; each call doubles the base until the maximum. */
  long nextDelayNanos() {
    long base = minNanos;
    for (int i = 0; i < attempt && base < maxNanos; i++) {
      base *= 2;
    }
    base = Math.min(base, maxNanos);
    if (base < maxNanos) {
      attempt++;
    }
    long half = base / 2;
    return half + ThreadLocalRandom.current().nextLong(base - half + 1);
  }

  /** Starts over from the minimum, after a successful connection. */
  void reset() {
    attempt = 0;
  }
}
