package io.zabtx.replication.storage;

import static io.zabtx.replication.storage.StorageFixtures.SMALL_SEGMENTS;
import static io.zabtx.replication.storage.StorageFixtures.appendAll;
import static io.zabtx.replication.storage.StorageFixtures.entries;
import static io.zabtx.replication.storage.StorageFixtures.entry;
import static io.zabtx.replication.storage.StorageFixtures.filesMatching;
import static io.zabtx.replication.storage.StorageFixtures.segmentFiles;
import static io.zabtx.replication.storage.StorageFixtures.upTo;
import static io.zabtx.replication.storage.StorageFixtures.z;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.PersistOp;
import io.zabtx.replication.core.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segmented log: appends, group commit, rolling, truncation and the limits on input. */
class LogTest {

  @TempDir Path dir;

  @Test
  void appendsAcrossSeveralSegmentsSurviveAReopen() throws IOException {
    List<Entry> written = new ArrayList<>(entries(1, 1, 60));
    written.addAll(entries(2, 1, 60)); // an epoch boundary inside the log
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).isEmpty();
      appendAll(s, written);
      s.sync();
      assertThat(s.lastZxid()).isEqualTo(z(2, 60));
      assertThat(s.stats().segmentCount()).isGreaterThanOrEqualTo(3);
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(written);
      assertThat(s.recovered().snapshot()).isSameAs(Snapshot.EMPTY);
      assertThat(s.lastZxid()).isEqualTo(z(2, 60));
      // Each file is named for its first zxid and pre-allocated to the segment size.
      List<Path> files = segmentFiles(s);
      assertThat(files).hasSize(s.stats().segmentCount());
      assertThat(files.get(0).getFileName().toString())
          .isEqualTo(String.format("log-%016x.seg", z(1, 1)));
      for (Path f : files) {
        assertThat(Files.size(f)).isEqualTo(4096);
      }
      // And appends go on after a reopen.
      appendAll(s, entries(2, 61, 70));
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).hasSize(130).endsWith(entry(z(2, 70), 100));
    }
  }

  @Test
  void oneSyncMakesAWholeBatchDurableWithOneFsync() throws IOException {
    StorageOptions options = StorageOptions.defaults().withSegmentBytes(1 << 20);
    List<Entry> batch = entries(1, 2, 201);
    ZabStorage s = ZabStorage.open(dir, options);
    s.write(new PersistOp.Append(entry(z(1, 1), 100))); // creates the segment
    s.sync();
    long fsyncsBefore = s.stats().fsyncCount();

    appendAll(s, batch);
    assertThat(s.stats().fsyncCount()).as("appends alone never fsync").isEqualTo(fsyncsBefore);
    assertThat(s.sync()).isEqualTo(200);

    assertThat(s.stats().fsyncCount()).isEqualTo(fsyncsBefore + 1);
    assertThat(s.stats().lastSyncBatchOps()).isEqualTo(200);
    assertThat(s.sync()).as("nothing pending").isZero();
    assertThat(s.stats().fsyncCount()).isEqualTo(fsyncsBefore + 1);

    s.abandon(); // a crash right after the sync returned
    try (ZabStorage reopened = ZabStorage.open(dir, options)) {
      assertThat(reopened.recovered().entries()).hasSize(201).endsWith(batch.get(199));
    }
  }

  @Test
  void aCrashLosesOnlyUnsyncedAppendsAndKeepsAPrefix() throws IOException {
    List<Entry> synced = entries(1, 1, 30);
    List<Entry> unsynced = entries(1, 31, 60);
    ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS);
    appendAll(s, synced);
    s.sync();
    appendAll(s, unsynced);
    s.abandon();

    try (ZabStorage reopened = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      List<Entry> got = reopened.recovered().entries();
      assertThat(got).startsWith(synced.toArray(Entry[]::new));
      List<Entry> all = new ArrayList<>(synced);
      all.addAll(unsynced);
      assertThat(got).isEqualTo(all.subList(0, got.size()));
    }
  }

  @Test
  void truncationWithinASegmentThenAppendsSurviveAReopen() throws IOException {
    StorageOptions options = StorageOptions.defaults().withSegmentBytes(1 << 20);
    List<Entry> kept = entries(1, 1, 10);
    List<Entry> replacement = entries(2, 1, 5);
    try (ZabStorage s = ZabStorage.open(dir, options)) {
      appendAll(s, entries(1, 1, 20));
      s.sync();
      s.write(new PersistOp.Truncate(z(1, 10)));
      assertThat(s.lastZxid()).isEqualTo(z(1, 10));
      appendAll(s, replacement);
      s.sync();
      assertThat(s.stats().segmentCount()).isEqualTo(1);
    }
    try (ZabStorage s = ZabStorage.open(dir, options)) {
      List<Entry> expected = new ArrayList<>(kept);
      expected.addAll(replacement);
      assertThat(s.recovered().entries()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void truncationAcrossSegmentsDeletesTheNewerOnesThenAppendsSurviveAReopen() throws IOException {
    List<Entry> old = entries(1, 1, 100);
    List<Entry> replacement = entries(1, 15, 40); // same zxids as cut ones, new payloads
    replacement = replacement.stream().map(e -> entry(e.zxid(), 7)).toList();
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, old);
      s.sync();
      int before = s.stats().segmentCount();
      s.write(new PersistOp.Truncate(z(1, 14)));
      assertThat(s.stats().segmentCount()).isLessThan(before);
      assertThat(s.lastZxid()).isEqualTo(z(1, 14));
      appendAll(s, replacement);
      s.sync();
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      List<Entry> expected = new ArrayList<>(upTo(old, z(1, 14)));
      expected.addAll(replacement);
      assertThat(s.recovered().entries()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void truncationIsDurableBeforeWriteReturns() throws IOException {
    ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS);
    appendAll(s, entries(1, 1, 50));
    s.sync();
    s.write(new PersistOp.Truncate(z(1, 5)));
    s.abandon(); // no sync after the truncation
    try (ZabStorage reopened = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(reopened.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 5));
    }
  }

  @Test
  void truncationToTheLastZxidOrBeyondChangesNothing() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 5));
      s.write(new PersistOp.Truncate(z(1, 5)));
      s.write(new PersistOp.Truncate(z(3, 0)));
      assertThat(s.lastZxid()).isEqualTo(z(1, 5));
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 5));
    }
  }

  @Test
  void truncationOfTheWholeLogLeavesAnEmptyHistory() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 80));
      s.write(new PersistOp.Truncate(0));
      assertThat(s.stats().segmentCount()).isZero();
      assertThat(s.lastZxid()).isZero();
      appendAll(s, entries(2, 1, 3));
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(entries(2, 1, 3));
    }
  }

  @Test
  void maxEntryBytesIsEnforcedAndARefusalChangesNothing() throws IOException {
    StorageOptions options = SMALL_SEGMENTS.withMaxEntryBytes(1000);
    try (ZabStorage s = ZabStorage.open(dir, options)) {
      s.write(new PersistOp.Append(entry(z(1, 1), 1000)));
      assertThatThrownBy(() -> s.write(new PersistOp.Append(entry(z(1, 2), 1001))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxEntryBytes=1000");
      assertThatThrownBy(
              () ->
                  s.write(
                      new PersistOp.InstallSnapshot(Snapshot.EMPTY, List.of(entry(z(1, 2), 1001)))))
          .isInstanceOf(IllegalArgumentException.class);
      s.write(new PersistOp.Append(entry(z(1, 2), 10))); // still usable
    }
    try (ZabStorage s = ZabStorage.open(dir, options)) {
      assertThat(s.recovered().entries()).extracting(Entry::zxid).containsExactly(z(1, 1), z(1, 2));
    }
  }

  @Test
  void anEntryLargerThanASegmentGetsASegmentOfItsOwnSize() throws IOException {
    Entry big = entry(z(1, 2), 10_000);
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      s.write(new PersistOp.Append(entry(z(1, 1), 100)));
      s.write(new PersistOp.Append(big));
      s.write(new PersistOp.Append(entry(z(1, 3), 100)));
      List<Path> files = segmentFiles(s);
      assertThat(files).hasSize(3);
      assertThat(Files.size(files.get(1)))
          .isEqualTo(LogSegment.HEADER_BYTES + RecordCodec.recordBytes(10_000));
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries())
          .containsExactly(entry(z(1, 1), 100), big, entry(z(1, 3), 100));
    }
  }

  @Test
  void appendsWhoseZxidDoesNotIncreaseAreRefused() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      s.write(new PersistOp.Append(entry(z(1, 5), 1)));
      assertThatThrownBy(() -> s.write(new PersistOp.Append(entry(z(1, 5), 1))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("strictly increase");
      assertThatThrownBy(() -> s.write(new PersistOp.Append(entry(z(1, 4), 1))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(s.lastZxid()).isEqualTo(z(1, 5));
    }
  }

  @Test
  void emptyPayloadsRoundTrip() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, List.of(entry(z(1, 1), 0), entry(z(1, 2), 0), entry(z(1, 3), 5)));
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries())
          .containsExactly(entry(z(1, 1), 0), entry(z(1, 2), 0), entry(z(1, 3), 5));
    }
  }

  @Test
  void optionsRefuseValuesThatCannotWork() {
    assertThatThrownBy(() -> StorageOptions.defaults().withSegmentBytes(100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("segmentBytes");
    assertThatThrownBy(() -> StorageOptions.defaults().withMaxEntryBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StorageOptions.defaults().withSnapshotsToKeep(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(StorageOptions.defaults())
        .isEqualTo(new StorageOptions(64 << 20, 16 << 20, true, 2));
  }

  @Test
  void aDirectoryHasOneOwnerAtATime() throws IOException {
    try (ZabStorage first = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(first.recovered().entries()).isEmpty();
      assertThatThrownBy(() -> ZabStorage.open(dir, SMALL_SEGMENTS))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use");
    }
    ZabStorage.open(dir, SMALL_SEGMENTS).close(); // released on close
  }

  @Test
  void aClosedStorageRefusesWrites() throws IOException {
    ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS);
    s.close();
    s.close(); // idempotent
    assertThatThrownBy(() -> s.write(new PersistOp.Append(entry(z(1, 1), 1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void theNextSegmentIsPreparedInTheBackgroundAndTheRollUsesIt() throws IOException {
    StorageOptions options = StorageOptions.defaults().withSegmentBytes(64 * 1024);
    try (ZabStorage s = ZabStorage.open(dir, options)) {
      appendAll(s, entries(1, 1, 300)); // ~38 KiB: past an eighth of the first segment
      s.sync();
      Path history = s.historyDirectory();
      Path spare = awaitSpare(history);
      assertThat(Files.size(spare)).isEqualTo(64 * 1024);

      appendAll(s, entries(1, 301, 600)); // rolls into the spare
      s.sync();
      assertThat(s.stats().segmentCount()).isEqualTo(2);
      assertThat(spare).as("the spare became the second segment").doesNotExist();
      List<Path> segments = segmentFiles(s);
      assertThat(Files.size(segments.get(1))).isEqualTo(64 * 1024);
    }
    try (ZabStorage s = ZabStorage.open(dir, options)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 600));
    }
  }

  @Test
  void aSpareLeftBehindByACrashIsDeletedAtRecovery() throws IOException {
    StorageOptions options = StorageOptions.defaults().withSegmentBytes(64 * 1024);
    ZabStorage s = ZabStorage.open(dir, options);
    appendAll(s, entries(1, 1, 300));
    s.sync();
    Path history = s.historyDirectory();
    Path spare = awaitSpare(history);
    s.abandon();
    assertThat(spare).as("a crash leaves it").exists();
    try (ZabStorage reopened = ZabStorage.open(dir, options)) {
      assertThat(filesMatching(history, "spare-")).isEmpty();
      assertThat(reopened.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 300));
    }
  }

  /** Waits for the background pre-allocation's file in {@code history} and returns it. */
  private static Path awaitSpare(Path history) throws IOException {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> filesMatching(history, "spare-").size() == 1);
    return filesMatching(history, "spare-").get(0);
  }
}
