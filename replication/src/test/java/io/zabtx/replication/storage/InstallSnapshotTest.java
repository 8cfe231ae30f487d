package io.zabtx.replication.storage;

import static io.zabtx.replication.storage.StorageFixtures.SMALL_SEGMENTS;
import static io.zabtx.replication.storage.StorageFixtures.appendAll;
import static io.zabtx.replication.storage.StorageFixtures.assertState;
import static io.zabtx.replication.storage.StorageFixtures.entries;
import static io.zabtx.replication.storage.StorageFixtures.entry;
import static io.zabtx.replication.storage.StorageFixtures.filesMatching;
import static io.zabtx.replication.storage.StorageFixtures.sameState;
import static io.zabtx.replication.storage.StorageFixtures.snapshot;
import static io.zabtx.replication.storage.StorageFixtures.z;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.replication.core.DurableState;
import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.PersistOp;
import io.zabtx.replication.core.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code InstallSnapshot} replaces the whole history atomically: a crash at any step recovers
 * either the old history intact or the new snapshot with all its entries, never a mix.
 */
class InstallSnapshotTest {

  @TempDir Path dir;

  /** Thrown by the install hook to stop the install where a crash would. */
  private static final class SimulatedCrash extends IOException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(InstallStep step) {
      super("simulated crash after " + step);
    }
  }

  private static final Snapshot OLD_SNAPSHOT = snapshot(z(1, 40));
  private static final Snapshot NEW_SNAPSHOT = snapshot(z(3, 7));
  // Enough entries, of mixed sizes, to need several segments on both sides.
  private static final List<Entry> OLD_ENTRIES = entries(1, 41, 120);
  private static final List<Entry> NEW_ENTRIES = newEntries();

  private static List<Entry> newEntries() {
    List<Entry> list = new ArrayList<>();
    for (long c = 8; c <= 90; c++) {
      list.add(entry(z(3, c), (int) (c * 13 % 300)));
    }
    return list;
  }

  /** An old history: epochs, a snapshot and a log that spans several segments. */
  private DurableState writeOldHistory() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 40));
      s.saveSnapshot(OLD_SNAPSHOT);
      appendAll(s, OLD_ENTRIES);
      s.write(new PersistOp.SetAcceptedEpoch(3));
      s.write(new PersistOp.SetCurrentEpoch(1));
    }
    return new DurableState(3, 1, OLD_SNAPSHOT, OLD_ENTRIES);
  }

  @ParameterizedTest
  @EnumSource(InstallStep.class)
  void aCrashAfterAnyInstallStepRecoversTheOldOrTheNewHistoryNeverAMix(InstallStep crashAfter)
      throws IOException {
    DurableState old = writeOldHistory();
    DurableState installed = new DurableState(3, 1, NEW_SNAPSHOT, NEW_ENTRIES);

    ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS);
    s.onInstallStep(
        step -> {
          if (step == crashAfter) {
            throw new SimulatedCrash(step);
          }
        });
    assertThatThrownBy(() -> s.write(new PersistOp.InstallSnapshot(NEW_SNAPSHOT, NEW_ENTRIES)))
        .isInstanceOf(SimulatedCrash.class);
    // The instance cannot know what reached the disk: it refuses to go on.
    assertThatThrownBy(() -> s.write(new PersistOp.Append(entry(z(3, 91), 1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("restart the node");
    s.abandon();

    try (ZabStorage reopened = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      DurableState got = reopened.recovered();
      boolean committed = crashAfter.compareTo(InstallStep.POINTER_SWITCHED) >= 0;
      assertState(got, committed ? installed : old);
      assertThat(sameState(got, old) || sameState(got, installed)).isTrue();
      // Whatever the crash left behind is gone: one history directory, no temp files.
      assertThat(filesMatching(dir, "history-")).hasSize(1);
      assertThat(filesMatching(dir, "CURRENT")).hasSize(1);
      try (var files = Files.walk(dir)) {
        assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
      }
      // And the recovered history takes appends.
      appendAll(reopened, List.of(entry(reopened.lastZxid() + 1, 10)));
    }
  }

  @Test
  void installReplacesTheWholeHistoryAndAppendsContinueAfterIt() throws IOException {
    writeOldHistory();
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      s.write(new PersistOp.InstallSnapshot(NEW_SNAPSHOT, NEW_ENTRIES));
      assertThat(s.lastZxid()).isEqualTo(z(3, 90));
      assertThat(filesMatching(s.historyDirectory(), "snapshot-")).hasSize(1);
      appendAll(s, entries(3, 91, 95));
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      List<Entry> expected = new ArrayList<>(NEW_ENTRIES);
      expected.addAll(entries(3, 91, 95));
      assertState(s.recovered(), new DurableState(3, 1, NEW_SNAPSHOT, expected));
    }
  }

  @Test
  void installIsDurableBeforeWriteReturns() throws IOException {
    writeOldHistory();
    ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS);
    s.write(new PersistOp.InstallSnapshot(NEW_SNAPSHOT, NEW_ENTRIES));
    s.abandon(); // no sync
    try (ZabStorage reopened = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertState(reopened.recovered(), new DurableState(3, 1, NEW_SNAPSHOT, NEW_ENTRIES));
    }
  }

  @Test
  void installOfASnapshotWithoutEntriesLeavesAnEmptyLogThatTakesAppends() throws IOException {
    writeOldHistory();
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      s.write(new PersistOp.InstallSnapshot(NEW_SNAPSHOT, List.of()));
      assertThat(s.stats().segmentCount()).isZero();
      assertThat(s.lastZxid()).isEqualTo(NEW_SNAPSHOT.zxid());
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertState(s.recovered(), new DurableState(3, 1, NEW_SNAPSHOT, List.of()));
      appendAll(s, entries(3, 8, 9));
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(entries(3, 8, 9));
    }
  }

  @Test
  void installOfTheInitialStateWritesNoSnapshotFile() throws IOException {
    writeOldHistory();
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      s.write(new PersistOp.InstallSnapshot(Snapshot.EMPTY, entries(2, 1, 3)));
      assertThat(filesMatching(s.historyDirectory(), "snapshot-")).isEmpty();
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().snapshot()).isSameAs(Snapshot.EMPTY);
      assertThat(s.recovered().entries()).containsExactlyElementsOf(entries(2, 1, 3));
    }
  }

  @Test
  void installEntriesMustIncreaseAboveTheSnapshot() throws IOException {
    writeOldHistory();
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThatThrownBy(
              () ->
                  s.write(new PersistOp.InstallSnapshot(NEW_SNAPSHOT, List.of(entry(z(3, 7), 1)))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("strictly increase");
      assertThat(s.lastZxid()).isEqualTo(z(1, 120)); // unchanged and still usable
    }
  }
}
