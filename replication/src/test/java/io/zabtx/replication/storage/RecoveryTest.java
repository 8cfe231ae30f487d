package io.zabtx.replication.storage;

import static io.zabtx.replication.storage.StorageFixtures.SMALL_SEGMENTS;
import static io.zabtx.replication.storage.StorageFixtures.appendAll;
import static io.zabtx.replication.storage.StorageFixtures.entries;
import static io.zabtx.replication.storage.StorageFixtures.entry;
import static io.zabtx.replication.storage.StorageFixtures.flipByte;
import static io.zabtx.replication.storage.StorageFixtures.overwrite;
import static io.zabtx.replication.storage.StorageFixtures.recordOffsets;
import static io.zabtx.replication.storage.StorageFixtures.segmentFiles;
import static io.zabtx.replication.storage.StorageFixtures.snapshot;
import static io.zabtx.replication.storage.StorageFixtures.z;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.PersistOp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up recovery: a torn tail (what a crash during an unsynced write leaves) is cut off, and
 * anything else refuses to start with a message that names the file and offset.
 */
class RecoveryTest {

  @TempDir Path dir;

  /** Writes {@code entries} durably and returns the segment files, oldest first. */
  private List<Path> writeLog(List<Entry> entries) throws IOException {
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries);
      s.sync();
      return segmentFiles(s);
    }
  }

  private StorageCorruptedException openFails() {
    return catchThrowableOfType(
        StorageCorruptedException.class, () -> ZabStorage.open(dir, SMALL_SEGMENTS).close());
  }

  @Test
  void aFileCutMidRecordLosesOnlyTheTornRecord() throws IOException {
    List<Entry> written = entries(1, 1, 40);
    List<Path> files = writeLog(written);
    Path newest = files.get(files.size() - 1);
    long lastRecord = recordOffsets(newest).get(recordOffsets(newest).size() - 1);
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ch.truncate(lastRecord + 50); // the last record's header and part of its payload
    }

    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(written.subList(0, 39));
      appendAll(s, entries(1, 40, 45)); // the log goes on from the cut
    }
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 45));
    }
  }

  @Test
  void flippedBytesInTheLastRecordAreCutOffAndTheRestIsIntact() throws IOException {
    List<Entry> written = entries(1, 1, 40);
    List<Path> files = writeLog(written);
    Path newest = files.get(files.size() - 1);
    List<Long> offsets = recordOffsets(newest);
    flipByte(newest, offsets.get(offsets.size() - 1) + RecordCodec.HEADER_BYTES + 10);

    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(written.subList(0, 39));
    }
    // The torn bytes are gone from the file, not just skipped: the next open is clean too.
    assertThat(recordOffsets(newest)).hasSize(offsets.size() - 1);
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(written.subList(0, 39));
    }
  }

  @Test
  void aLastRecordWhoseHeaderNeverReachedTheDiskIsATornTail() throws IOException {
    // Pages can reach the disk out of order: the payload of the last record made it, its header
    // did not. No valid record follows the damage, so it is a torn tail.
    List<Entry> written = entries(1, 1, 40);
    List<Path> files = writeLog(written);
    Path newest = files.get(files.size() - 1);
    List<Long> offsets = recordOffsets(newest);
    overwrite(newest, offsets.get(offsets.size() - 1), new byte[RecordCodec.HEADER_BYTES]);

    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(written.subList(0, 39));
    }
  }

  @Test
  void aTornFirstRecordEmptiesTheNewestSegmentWhichIsRemoved() throws IOException {
    List<Entry> written = entries(1, 1, 40);
    List<Path> files = writeLog(written);
    Path newest = files.get(files.size() - 1);
    List<Long> offsets = recordOffsets(newest);
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ch.truncate(offsets.get(0) + 20);
    }
    int lost = offsets.size();

    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries())
          .containsExactlyElementsOf(written.subList(0, written.size() - lost));
      assertThat(segmentFiles(s)).hasSize(files.size() - 1);
    }
  }

  @Test
  void aSegmentLeftEmptyByACrashRightAfterARollIsRemoved() throws IOException {
    ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS);
    int perSegment = (4096 - LogSegment.HEADER_BYTES) / RecordCodec.recordBytes(100);
    appendAll(s, entries(1, 1, perSegment)); // fills the first segment exactly
    s.sync();
    int before = s.stats().segmentCount();
    // Rolls: the new segment is created durably, but the record stays buffered.
    s.write(new PersistOp.Append(entry(z(1, perSegment + 1), 100)));
    assertThat(s.stats().segmentCount()).isEqualTo(before + 1);
    s.abandon();

    try (ZabStorage reopened = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(reopened.recovered().entries())
          .containsExactlyElementsOf(entries(1, 1, perSegment));
      assertThat(segmentFiles(reopened)).hasSize(before);
    }
  }

  @Test
  void aDamagedRecordFollowedByValidRecordsRefusesToStartNamingFileAndOffset() throws IOException {
    List<Path> files = writeLog(entries(1, 1, 40));
    Path newest = files.get(files.size() - 1);
    long damaged = recordOffsets(newest).get(1);
    flipByte(newest, damaged + RecordCodec.HEADER_BYTES + 3);

    StorageCorruptedException e = openFails();
    assertThat(e.file()).isEqualTo(newest);
    assertThat(e.offset()).isEqualTo(damaged);
    assertThat(e)
        .hasMessageContaining(newest.toString())
        .hasMessageContaining("offset " + damaged)
        .hasMessageContaining("valid record follows")
        .hasMessageContaining("delete it");
  }

  @Test
  void aZeroedRecordHeaderFollowedByValidRecordsRefusesToStart() throws IOException {
    List<Path> files = writeLog(entries(1, 1, 40));
    Path newest = files.get(files.size() - 1);
    long damaged = recordOffsets(newest).get(0);
    overwrite(newest, damaged, new byte[RecordCodec.HEADER_BYTES]); // looks like the end marker

    StorageCorruptedException e = openFails();
    assertThat(e.file()).isEqualTo(newest);
    assertThat(e.offset()).isEqualTo(damaged);
  }

  @Test
  void damageAtTheTailOfAnOlderSegmentRefusesToStart() throws IOException {
    List<Path> files = writeLog(entries(1, 1, 100));
    Path older = files.get(0);
    List<Long> offsets = recordOffsets(older);
    long last = offsets.get(offsets.size() - 1);
    flipByte(older, last + RecordCodec.HEADER_BYTES);

    StorageCorruptedException e = openFails();
    assertThat(e.file()).isEqualTo(older);
    assertThat(e.offset()).isEqualTo(last);
    assertThat(e).hasMessageContaining("not the newest");
  }

  @Test
  void aMissingSegmentRefusesToStart() throws IOException {
    List<Path> files = writeLog(entries(1, 1, 150));
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    Files.delete(files.get(1));

    StorageCorruptedException e = openFails();
    assertThat(e.file()).isEqualTo(files.get(2));
    assertThat(e.offset()).isEqualTo(LogSegment.PREV_ZXID_OFFSET);
    assertThat(e).hasMessageContaining("a segment is missing");
  }

  @Test
  void aValidRecordWhoseZxidDoesNotIncreaseRefusesToStart() throws IOException {
    List<Path> files = writeLog(entries(1, 1, 10));
    Path newest = files.get(files.size() - 1);
    List<Long> offsets = recordOffsets(newest);
    long end = offsets.get(offsets.size() - 1) + RecordCodec.recordBytes(100);
    ByteBuffer stale = ByteBuffer.allocate(RecordCodec.recordBytes(100));
    RecordCodec.encode(stale, z(1, 3), new byte[100]); // a checksummed record of an old history
    overwrite(newest, end, stale.array());

    StorageCorruptedException e = openFails();
    assertThat(e.offset()).isEqualTo(end);
    assertThat(e).hasMessageContaining("strictly increase");
  }

  @Test
  void aSegmentRenamedAwayFromItsFirstZxidRefusesToStart() throws IOException {
    List<Path> files = writeLog(entries(1, 1, 10));
    Path only = files.get(0);
    Files.move(only, only.resolveSibling(LogSegment.fileName(z(1, 2))));

    StorageCorruptedException e = openFails();
    assertThat(e).hasMessageContaining("does not fit the file name");
  }

  @Test
  void aCorruptedSnapshotRefusesToStart() throws IOException {
    Path snapshotFile;
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 10));
      s.saveSnapshot(snapshot(z(1, 8)));
      snapshotFile = SnapshotFiles.path(s.historyDirectory(), z(1, 8));
    }
    flipByte(snapshotFile, SnapshotFiles.HEADER_BYTES + 2);

    StorageCorruptedException e = openFails();
    assertThat(e.file()).isEqualTo(snapshotFile);
    assertThat(e.offset()).isEqualTo(24);
    assertThat(e).hasMessageContaining("snapshot checksum mismatch");
  }

  @Test
  void aTruncatedSnapshotRefusesToStart() throws IOException {
    Path snapshotFile;
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 10));
      s.saveSnapshot(snapshot(z(1, 8)));
      snapshotFile = SnapshotFiles.path(s.historyDirectory(), z(1, 8));
    }
    try (FileChannel ch = FileChannel.open(snapshotFile, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 1);
    }
    assertThat(openFails()).hasMessageContaining("bytes of data but the file holds");
  }

  @Test
  void aLogThatNoLongerReachesItsSnapshotRefusesToStart() throws IOException {
    Path history;
    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      appendAll(s, entries(1, 1, 150));
      s.saveSnapshot(snapshot(z(1, 120))); // compaction deletes the segments below it
      history = s.historyDirectory();
    }
    // Losing the snapshot leaves a log whose first entries were compacted away.
    Files.delete(SnapshotFiles.path(history, z(1, 120)));

    StorageCorruptedException e = openFails();
    assertThat(e.offset()).isEqualTo(LogSegment.PREV_ZXID_OFFSET);
    assertThat(e).hasMessageContaining("does not reach back to the newest snapshot");
  }

  @Test
  void filesAndDirectoriesThatAreNotOursAreLeftAlone() throws IOException {
    writeLog(entries(1, 1, 5));
    Path backup = Files.createDirectories(dir.resolve("history-backup"));
    Files.writeString(backup.resolve("notes.txt"), "keep me");
    Files.writeString(dir.resolve("README"), "keep me too");

    try (ZabStorage s = ZabStorage.open(dir, SMALL_SEGMENTS)) {
      assertThat(s.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 5));
    }
    assertThat(backup.resolve("notes.txt")).hasContent("keep me");
    assertThat(dir.resolve("README")).hasContent("keep me too");
  }

  @Test
  void everyCorruptionMessageSaysWhatToDo() {
    StorageCorruptedException e =
        new StorageCorruptedException(dir.resolve("x"), 42, "something broke");
    assertThat(e)
        .hasMessageStartingWith("something broke [file " + dir.resolve("x") + ", offset 42]")
        .hasMessageContaining("restore it from a backup")
        .hasMessageContaining("resyncs its history from the leader");
  }
}
