package io.zabtx.replication.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;

class BackoffTest {
  private static final long MS = 1_000_000L;

  @RepeatedTest(20)
  void delaysDoubleWithJitterUpToTheMaximumAndStartOverAfterReset() {
    Backoff b = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1));
    long[] bases = {10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000};
    for (long base : bases) {
      assertThat(b.nextDelayNanos()).isBetween(base * MS / 2, base * MS);
    }
    b.reset();
    assertThat(b.nextDelayNanos()).isBetween(5 * MS, 10 * MS);
  }
}
