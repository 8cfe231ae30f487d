package io.zabtx.coordinator.log;

import static io.zabtx.coordinator.log.LogFixtures.completed;
import static io.zabtx.coordinator.log.LogFixtures.decision;
import static io.zabtx.coordinator.log.LogFixtures.xid;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.log.LogFixtures.Driver;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.Xid;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Readers on other threads while the loop applies: a committed xid is always found with its commit
 * point or covered by the watermark, even while a Forget removes it (the watermark is raised before
 * the removal), and list/unfinished return whole values.
 */
class ConcurrentReadTest {

  private static final int TRANSACTIONS = 5_000;

  @Test
  void aReaderNeverSeesACommittedXidAsUnknown() throws Exception {
    Driver driver = new Driver();
    DecisionLog log = driver.log;
    AtomicLong committedUpTo = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService readers = Executors.newFixedThreadPool(1);
    try {
      CompletableFuture<Long> checks =
          CompletableFuture.supplyAsync(
              () -> {
                long n = 0;
                while (!done.get()) {
                  long upTo = committedUpTo.get();
                  for (long seq = Math.max(1, upTo - 50); seq <= upTo; seq++) {
                    Xid x = xid(1, seq);
                    LoggedTx tx = log.find(x);
                    if (!((tx != null && tx.hasCommitPoint()) || log.mayBeForgotten(x))) {
                      throw new AssertionError(x + " committed, but neither found nor forgotten");
                    }
                    n++;
                  }
                  for (LoggedTx tx : log.unfinished()) {
                    if (!tx.hasCommitPoint() || tx.completed()) {
                      throw new AssertionError("unfinished() returned " + tx);
                    }
                  }
                  log.list(null, 0, 20).forEach(tx -> assertThat(tx.xid()).isNotNull());
                }
                return n;
              },
              readers);
      for (long seq = 1; seq <= TRANSACTIONS; seq++) {
        driver.apply(decision(xid(1, seq)));
        committedUpTo.set(seq);
        driver.apply(completed(seq, xid(1, seq)));
        if (seq % 7 == 0) {
          driver.apply(new ForgetRecord(seq + 1)); // forgets everything completed so far
        }
      }
      done.set(true);
      assertThat(checks.get(60, TimeUnit.SECONDS)).isPositive();
      assertThat(log.watermark()).isEqualTo(xid(1, TRANSACTIONS - TRANSACTIONS % 7));
    } finally {
      done.set(true);
      readers.shutdownNow();
    }
  }
}
