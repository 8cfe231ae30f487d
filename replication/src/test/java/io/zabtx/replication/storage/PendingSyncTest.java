package io.zabtx.replication.storage;

import static io.zabtx.replication.storage.StorageFixtures.SMALL_SEGMENTS;
import static io.zabtx.replication.storage.StorageFixtures.appendAll;
import static io.zabtx.replication.storage.StorageFixtures.entries;
import static io.zabtx.replication.storage.StorageFixtures.snapshot;
import static io.zabtx.replication.storage.StorageFixtures.upTo;
import static io.zabtx.replication.storage.StorageFixtures.z;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.PersistOp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipelined group commit: {@link ZabStorage#beginSync()} on the owning thread, {@link
 * PendingSync#await()} on another while appends go on.
 */
class PendingSyncTest {

  private static final StorageOptions OPTIONS = StorageOptions.defaults().withSegmentBytes(1 << 20);

  @TempDir Path dir;

  /** Awaits {@code p} on a thread of {@code executor}, as the runtime's syncer does. */
  private static CompletableFuture<Void> awaitOn(Executor executor, PendingSync p) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            p.await();
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  @Test
  void anotherThreadMakesTheBatchDurableWithOneFsyncWhileAppendsGoOn() throws Exception {
    ExecutorService syncer = Executors.newSingleThreadExecutor();
    try {
      ZabStorage s = ZabStorage.open(dir, OPTIONS);
      appendAll(s, entries(1, 1, 100));
      long fsyncsBefore = s.stats().fsyncCount();

      PendingSync p = s.beginSync();
      assertThat(p.ops()).isEqualTo(100);
      assertThat(p.isDurable()).isFalse();
      assertThat(s.stats().fsyncCount())
          .as("beginSync never waits for the disk")
          .isEqualTo(fsyncsBefore);

      CompletableFuture<Void> done = awaitOn(syncer, p);
      appendAll(s, entries(1, 101, 200)); // the owner goes on meanwhile
      done.get(10, TimeUnit.SECONDS);

      assertThat(p.isDurable()).isTrue();
      assertThat(s.stats().fsyncCount()).isEqualTo(fsyncsBefore + 1);
      p.await();
      assertThat(s.stats().fsyncCount()).as("await is idempotent").isEqualTo(fsyncsBefore + 1);

      PendingSync rest = s.beginSync();
      assertThat(rest.ops()).isEqualTo(100);
      rest.await();
      s.abandon();
      try (ZabStorage reopened = ZabStorage.open(dir, OPTIONS)) {
        assertThat(reopened.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 200));
      }
    } finally {
      syncer.shutdownNow();
    }
  }

  @Test
  void oneFsyncCoversEveryPendingSyncBeganBeforeIt() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, OPTIONS)) {
      appendAll(s, entries(1, 1, 10));
      PendingSync first = s.beginSync();
      appendAll(s, entries(1, 11, 20));
      PendingSync second = s.beginSync();
      long before = s.stats().fsyncCount();

      second.await();
      first.await();

      assertThat(first.isDurable()).isTrue();
      assertThat(s.stats().fsyncCount()).isEqualTo(before + 1);
      assertThat(s.sync()).as("nothing left to sync").isZero();
      assertThat(s.stats().fsyncCount()).isEqualTo(before + 1);
    }
  }

  @Test
  void nothingWrittenGivesASyncThatIsAlreadyDurable() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, OPTIONS)) {
      PendingSync p = s.beginSync();
      assertThat(p.isDurable()).isTrue();
      assertThat(p.ops()).isZero();
      appendAll(s, entries(1, 1, 3));
      s.sync();
      PendingSync q = s.beginSync();
      assertThat(q.isDurable()).as("synced already").isTrue();
    }
  }

  @Test
  void aTruncationThatDeletesThePendingSegmentLeavesThePendingSyncHarmless() throws IOException {
    List<Entry> written = entries(1, 1, 120); // many 4 KiB segments
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, written);
      PendingSync p = s.beginSync();
      s.write(new PersistOp.Truncate(z(1, 5))); // deletes the newest segments, durably
      p.await(); // must not touch a closed file
      assertThat(p.isDurable()).isTrue();
      appendAll(s, entries(2, 1, 3));
      s.sync();
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      List<Entry> expected = new ArrayList<>(upTo(written, z(1, 5)));
      expected.addAll(entries(2, 1, 3));
      assertThat(s.recovered().entries()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void anInstallThatReplacesThePendingHistoryLeavesThePendingSyncHarmless() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 50));
      PendingSync p = s.beginSync();
      s.write(new PersistOp.InstallSnapshot(snapshot(z(2, 10)), entries(2, 11, 12)));
      p.await();
      assertThat(p.isDurable()).isTrue();
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().snapshot().zxid()).isEqualTo(z(2, 10));
      assertThat(s.recovered().entries()).containsExactlyElementsOf(entries(2, 11, 12));
    }
  }

  @Test
  void aSyncerThreadKeepsUpWithThousandsOfBatchesAcrossSegmentRolls() throws Exception {
    BlockingQueue<PendingSync> queue = new LinkedBlockingQueue<>();
    List<Throwable> failures = new ArrayList<>();
    Thread syncer =
        new Thread(
            () -> {
              try {
                for (PendingSync p = queue.take(); p.ops() >= 0; p = queue.take()) {
                  p.await();
                  if (p.ops() == 0) {
                    return; // the end marker
                  }
                }
              } catch (InterruptedException | IOException | RuntimeException e) {
                synchronized (failures) {
                  failures.add(e);
                }
              }
            });
    syncer.start();
    List<PendingSync> all = new ArrayList<>();
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      long counter = 1;
      for (int batch = 0; batch < 2_000; batch++) {
        int n = 1 + batch % 3;
        appendAll(s, entries(1, counter, counter + n - 1));
        counter += n;
        PendingSync p = s.beginSync();
        all.add(p);
        queue.add(p);
      }
      queue.add(s.beginSync()); // nothing pending: ops 0 ends the syncer
      syncer.join(30_000);
      assertThat(syncer.isAlive()).isFalse();
      assertThat(failures).isEmpty();
      assertThat(all).allMatch(PendingSync::isDurable);
      assertThat(s.stats().segmentCount()).as("the log rolled many times").isGreaterThan(10);
      s.abandon();
      try (ZabStorage reopened = ZabStorage.open(dir, SMALL_SEGMENTS)) {
        assertThat(reopened.recovered().entries()).hasSize((int) counter - 1);
      }
    }
  }

  @Test
  void aFailedFsyncOnTheSyncerThreadFailsTheStorageForGood() throws Exception {
    ZabStorage s = ZabStorage.open(dir, OPTIONS);
    appendAll(s, entries(1, 1, 10));
    s.sync();
    appendAll(s, entries(1, 11, 20));
    PendingSync p = s.beginSync();
    s.failNextFsync(new IOException("disk gone"));

    CompletableFuture<Void> done = awaitOn(ForkJoinPool.commonPool(), p);
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IOException.class)
        .hasRootCauseMessage("disk gone");
    assertThat(p.isDurable()).isFalse();
    // After a failed fsync the page cache cannot be trusted: nothing more is accepted.
    assertThatThrownBy(() -> s.write(new PersistOp.Append(entries(1, 21, 21).get(0))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("restart the node");
    assertThatThrownBy(s::beginSync).isInstanceOf(IllegalStateException.class);
    s.close();
    try (ZabStorage reopened = ZabStorage.open(dir, OPTIONS)) {
      assertThat(reopened.recovered().entries())
          .as("what was synced before survives; recovery re-reads the disk")
          .startsWith(entries(1, 1, 10).toArray(Entry[]::new));
    }
  }
}
