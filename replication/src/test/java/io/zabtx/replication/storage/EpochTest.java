package io.zabtx.replication.storage;

import static io.zabtx.replication.storage.StorageFixtures.SMALL_SEGMENTS;
import static io.zabtx.replication.storage.StorageFixtures.appendAll;
import static io.zabtx.replication.storage.StorageFixtures.entries;
import static io.zabtx.replication.storage.StorageFixtures.flipByte;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.zabtx.replication.core.PersistOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptedEpoch and currentEpoch files of rule 3. */
class EpochTest {

  @TempDir Path dir;

  @Test
  void epochsSurviveAReopenAndStartAtZero() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().acceptedEpoch()).isZero();
      assertThat(s.recovered().currentEpoch()).isZero();
      s.write(new PersistOp.SetAcceptedEpoch(5));
      s.write(new PersistOp.SetCurrentEpoch(4));
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().acceptedEpoch()).isEqualTo(5);
      assertThat(s.recovered().currentEpoch()).isEqualTo(4);
    }
  }

  @Test
  void anEpochWriteIsDurableAndMakesEveryEarlierLogOpDurableFirst() throws IOException {
    ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS);
    s.write(new PersistOp.SetAcceptedEpoch(1));
    appendAll(s, entries(1, 1, 10)); // not synced
    long fsyncs = s.stats().fsyncCount();
    s.write(new PersistOp.SetCurrentEpoch(1));
    // One group commit for the log, then temp-file fsync and directory fsync for the epoch.
    assertThat(s.stats().fsyncCount()).isEqualTo(fsyncs + 3);
    assertThat(s.stats().lastSyncBatchOps()).isEqualTo(10);
    s.abandon();
    try (ZabStorage reopened = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(reopened.recovered().currentEpoch()).isEqualTo(1);
      assertThat(reopened.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 10));
    }
  }

  @Test
  void aCurrentEpochAboveTheAcceptedEpochOnDiskRefusesToStart() throws IOException {
    ZabStorage.open(dir, SMALL_SEGMENTS).close();
    Fsyncs fsyncs = new Fsyncs(true);
    EpochFiles.write(dir, EpochFiles.ACCEPTED, 2, fsyncs);
    EpochFiles.write(dir, EpochFiles.CURRENT, 3, fsyncs);

    StorageCorruptedException e =
        catchThrowableOfType(
            StorageCorruptedException.class, () -> ZabStorage.open(dir, SMALL_SEGMENTS));
    assertThat(e.file()).isEqualTo(dir.resolve("currentEpoch"));
    assertThat(e).hasMessageContaining("currentEpoch 3 is above acceptedEpoch 2");
  }

  @Test
  void epochWritesThatWouldPutCurrentAboveAcceptedAreRefused() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      s.write(new PersistOp.SetAcceptedEpoch(2));
      s.write(new PersistOp.SetCurrentEpoch(2));
      assertThatThrownBy(() -> s.write(new PersistOp.SetCurrentEpoch(3)))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> s.write(new PersistOp.SetAcceptedEpoch(1)))
          .isInstanceOf(IllegalStateException.class);
      s.write(new PersistOp.SetAcceptedEpoch(3)); // still usable
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().acceptedEpoch()).isEqualTo(3);
      assertThat(s.recovered().currentEpoch()).isEqualTo(2);
    }
  }

  @Test
  void anEpochWriteInterruptedBeforeItsRenameKeepsTheOldValue() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      s.write(new PersistOp.SetAcceptedEpoch(4));
    }
    // A crash between the temp file's fsync and the rename leaves the new value beside the old.
    AtomicFiles.writeTemp(dir.resolve("acceptedEpoch"), new Fsyncs(true), LongFile.encode(0, 9));
    assertThat(dir.resolve("acceptedEpoch.tmp")).exists();

    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().acceptedEpoch()).isEqualTo(4);
    }
    assertThat(dir.resolve("acceptedEpoch.tmp")).doesNotExist();
  }

  @Test
  void aDamagedEpochFileRefusesToStart() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      s.write(new PersistOp.SetAcceptedEpoch(4));
    }
    flipByte(dir.resolve("acceptedEpoch"), 7);
    StorageCorruptedException e =
        catchThrowableOfType(
            StorageCorruptedException.class, () -> ZabStorage.open(dir, SMALL_SEGMENTS));
    assertThat(e.file()).isEqualTo(dir.resolve("acceptedEpoch"));
    assertThat(e.offset()).isEqualTo(12);
    assertThat(e).hasMessageContaining("checksum mismatch");
  }

  @Test
  void aLostHistoryPointerIsNotMistakenForAFreshDirectory() throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 3));
    }
    Files.delete(dir.resolve(HistoryGenerations.POINTER));
    StorageCorruptedException e =
        catchThrowableOfType(
            StorageCorruptedException.class, () -> ZabStorage.open(dir, SMALL_SEGMENTS));
    assertThat(e).hasMessageContaining("history pointer is missing");
  }
}
