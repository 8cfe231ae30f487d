package io.zabtx.replication.storage;

import static io.zabtx.replication.storage.StorageFixtures.SMALL_SEGMENTS;
import static io.zabtx.replication.storage.StorageFixtures.above;
import static io.zabtx.replication.storage.StorageFixtures.appendAll;
import static io.zabtx.replication.storage.StorageFixtures.assertSnapshot;
import static io.zabtx.replication.storage.StorageFixtures.entries;
import static io.zabtx.replication.storage.StorageFixtures.filesMatching;
import static io.zabtx.replication.storage.StorageFixtures.segmentFiles;
import static io.zabtx.replication.storage.StorageFixtures.snapshot;
import static io.zabtx.replication.storage.StorageFixtures.z;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.PersistOp;
import io.zabtx.replication.core.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots: atomic files, compaction below them, and their removal by truncation (rule 9). */
class SnapshotTest {

  @TempDir Path dir;

  @Test
  void saveSnapshotCompactsOldSegmentsAndRecoveryReturnsTheSnapshotPlusLaterEntries()
      throws IOException {
    List<Entry> written = entries(1, 1, 200);
    Snapshot s120 = snapshot(z(1, 120));
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, written);
      List<Path> before = segmentFiles(s);
      long bytesBefore = s.stats().bytesOnDisk();
      s.saveSnapshot(s120);

      List<Path> after = segmentFiles(s);
      assertThat(after).hasSizeLessThan(before.size());
      // The segment straddling the snapshot stays: it holds entries above it.
      Path first = after.get(0);
      assertThat(LogSegment.parseFileName(first.getFileName().toString()))
          .isLessThanOrEqualTo(z(1, 120));
      assertThat(before).endsWith(after.toArray(Path[]::new));
      assertThat(s.stats().bytesOnDisk()).isLessThan(bytesBefore);
      appendAll(s, entries(1, 201, 210));
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertSnapshot(s.recovered().snapshot(), s120);
      assertThat(s.recovered().entries())
          .containsExactlyElementsOf(above(entries(1, 1, 210), z(1, 120)));
      assertThat(s.lastZxid()).isEqualTo(z(1, 210));
    }
  }

  @Test
  void aSnapshotAtTheLastEntryLeavesNoEntriesAfterIt() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 100));
      s.saveSnapshot(snapshot(z(1, 100)));
      assertThat(s.stats().segmentCount()).as("the newest segment always stays").isEqualTo(1);
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertSnapshot(s.recovered().snapshot(), snapshot(z(1, 100)));
      assertThat(s.recovered().entries()).isEmpty();
      assertThat(s.lastZxid()).isEqualTo(z(1, 100));
    }
  }

  @Test
  void onlyTheNewestSnapshotsAreKept() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 30));
      s.saveSnapshot(snapshot(z(1, 10)));
      s.saveSnapshot(snapshot(z(1, 20)));
      s.saveSnapshot(snapshot(z(1, 30)));
      assertThat(filesMatching(s.historyDirectory(), "snapshot-"))
          .containsExactly(
              SnapshotFiles.path(s.historyDirectory(), z(1, 20)),
              SnapshotFiles.path(s.historyDirectory(), z(1, 30)));
    }
  }

  @Test
  void truncationRemovesNewerSnapshots() throws IOException {
    StorageOptions oneSegment = SMALL_SEGMENTS.withSegmentBytes(1 << 20);
    ZabStorage s = ZabStorage.open(dir, oneSegment);
    appendAll(s, entries(1, 1, 40));
    s.saveSnapshot(snapshot(z(1, 10)));
    s.saveSnapshot(snapshot(z(1, 30)));

    s.write(new PersistOp.Truncate(z(1, 20)));

    assertThat(filesMatching(s.historyDirectory(), "snapshot-"))
        .containsExactly(SnapshotFiles.path(s.historyDirectory(), z(1, 10)));
    assertThat(s.lastZxid()).isEqualTo(z(1, 20));
    s.abandon(); // durable without a sync
    try (ZabStorage reopened = ZabStorage.open(dir, oneSegment)) {
      assertSnapshot(reopened.recovered().snapshot(), snapshot(z(1, 10)));
      assertThat(reopened.recovered().entries()).containsExactlyElementsOf(entries(1, 11, 20));
    }
  }

  @Test
  void truncationBelowEverySnapshotFallsBackToTheEmptyStateWhenTheLogHoldsItAll()
      throws IOException {
    StorageOptions oneSegment = SMALL_SEGMENTS.withSegmentBytes(1 << 20);
    try (ZabStorage s = ZabStorage.open(dir, oneSegment)) {
      appendAll(s, entries(1, 1, 40));
      s.saveSnapshot(snapshot(z(1, 30)));
      s.write(new PersistOp.Truncate(z(1, 5)));
    }
    try (ZabStorage s = ZabStorage.open(dir, oneSegment)) {
      assertThat(s.recovered().snapshot()).isSameAs(Snapshot.EMPTY);
      assertThat(s.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 5));
    }
  }

  @Test
  void truncationBelowASnapshotWhoseLogWasCompactedIsRefusedAndChangesNothing() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 150));
      s.saveSnapshot(snapshot(z(1, 120)));
      assertThatThrownBy(() -> s.write(new PersistOp.Truncate(z(1, 50))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("rule 9");
      appendAll(s, entries(1, 151, 152)); // still usable
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertSnapshot(s.recovered().snapshot(), snapshot(z(1, 120)));
      assertThat(s.recovered().entries())
          .containsExactlyElementsOf(above(entries(1, 1, 152), z(1, 120)));
    }
  }

  @Test
  void snapshotsOutsideTheHistoryAreRefused() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 10));
      assertThatThrownBy(() -> s.saveSnapshot(snapshot(z(1, 11))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("beyond the last zxid");
      s.saveSnapshot(snapshot(z(1, 8)));
      assertThatThrownBy(() -> s.saveSnapshot(snapshot(z(1, 7))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("older than the newest");
    }
  }

  @Test
  void saveSnapshotMakesPendingAppendsDurableFirst() throws IOException {
    ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS);
    appendAll(s, entries(1, 1, 20)); // no sync
    s.saveSnapshot(snapshot(z(1, 20)));
    s.abandon();
    try (ZabStorage reopened = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(reopened.recovered().entries()).isEmpty();
      // Falling back below the snapshot works only because the log really holds 1..20.
      reopened.write(new PersistOp.Truncate(z(1, 15)));
    }
    try (ZabStorage reopened = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(reopened.recovered().snapshot()).isSameAs(Snapshot.EMPTY);
      assertThat(reopened.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 15));
    }
  }
}
