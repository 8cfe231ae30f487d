package io.zabtx.replication.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.replication.core.DurableState;
import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.PersistOp;
import io.zabtx.replication.core.Snapshot;
import io.zabtx.replication.core.Zxid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Helpers shared by the storage tests: entries with recognisable payloads, files, assertions. */
final class StorageFixtures {

  /** 4 KiB segments so that a few dozen entries already span several segments. */
  static final StorageOptions SMALL_SEGMENTS =
      StorageOptions.defaults().withSegmentBytes(4096).withMaxEntryBytes(64 * 1024);

  private StorageFixtures() {}

  static long z(long epoch, long counter) {
    return Zxid.make(epoch, counter);
  }

  /** An entry whose payload of {@code size} bytes is derived from its zxid. */
  static Entry entry(long zxid, int size) {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (zxid * 31 + i);
    }
    return new Entry(zxid, data);
  }

  /** Entries {@code epoch:from .. epoch:to} with 100-byte payloads. */
  static List<Entry> entries(long epoch, long from, long to) {
    List<Entry> list = new ArrayList<>();
    for (long c = from; c <= to; c++) {
      list.add(entry(z(epoch, c), 100));
    }
    return list;
  }

  static Snapshot snapshot(long zxid) {
    return new Snapshot(zxid, ("state@" + Zxid.format(zxid)).getBytes());
  }

  static void appendAll(ZabStorage storage, List<Entry> entries) throws IOException {
    for (Entry e : entries) {
      storage.write(new PersistOp.Append(e));
    }
  }

  static List<Entry> above(List<Entry> entries, long zxid) {
    return entries.stream().filter(e -> e.zxid() > zxid).toList();
  }

  static List<Entry> upTo(List<Entry> entries, long zxid) {
    return entries.stream().filter(e -> e.zxid() <= zxid).toList();
  }

  /** The segment files of the current history, oldest first. */
  static List<Path> segmentFiles(ZabStorage storage) throws IOException {
    return filesMatching(storage.historyDirectory(), "log-");
  }

  static List<Path> filesMatching(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }

  /** Offsets of the records of a segment file, in order (read from the file as written). */
  static List<Long> recordOffsets(Path segment) throws IOException {
    List<Long> offsets = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
      long pos = LogSegment.HEADER_BYTES;
      ByteBuffer word = ByteBuffer.allocate(4);
      while (pos + 4 <= ch.size()) {
        word.clear();
        ch.read(word, pos);
        int length = word.getInt(0);
        if (length == 0) {
          break;
        }
        offsets.add(pos);
        pos += RecordCodec.PREFIX_BYTES + length;
      }
    }
    return offsets;
  }

  /** Overwrites bytes of {@code file} at {@code offset}, as disk damage would. */
  static void overwrite(Path file, long offset, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      AtomicFiles.writeFully(ch, ByteBuffer.wrap(bytes), offset);
    }
  }

  /** Flips every bit of the byte at {@code offset}. */
  static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) ~b.get(0));
      b.rewind();
      ch.write(b, offset);
    }
  }

  static void assertSnapshot(Snapshot actual, Snapshot expected) {
    assertThat(actual.zxid()).as("snapshot zxid").isEqualTo(expected.zxid());
    assertThat(actual.data()).as("snapshot data").isEqualTo(expected.data());
  }

  /** Field-by-field equality (Snapshot holds an array, so records do not compare by content). */
  static void assertState(DurableState actual, DurableState expected) {
    assertThat(actual.acceptedEpoch()).as("acceptedEpoch").isEqualTo(expected.acceptedEpoch());
    assertThat(actual.currentEpoch()).as("currentEpoch").isEqualTo(expected.currentEpoch());
    assertSnapshot(actual.snapshot(), expected.snapshot());
    assertThat(actual.entries()).as("entries").containsExactlyElementsOf(expected.entries());
  }

  /** True when {@code actual} equals {@code expected} field by field. */
  static boolean sameState(DurableState actual, DurableState expected) {
    return actual.acceptedEpoch() == expected.acceptedEpoch()
        && actual.currentEpoch() == expected.currentEpoch()
        && actual.snapshot().zxid() == expected.snapshot().zxid()
        && java.util.Arrays.equals(actual.snapshot().data(), expected.snapshot().data())
        && actual.entries().equals(expected.entries());
  }
}
