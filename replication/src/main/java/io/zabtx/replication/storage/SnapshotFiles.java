package io.zabtx.replication.storage;

import io.zabtx.replication.core.Snapshot;
import io.zabtx.replication.core.Zxid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * Snapshot files, {@code snapshot-<16 hex digits of the zxid>.snap}: a {@value #HEADER_BYTES}-byte
 * header {@code [int magic "ZSNP"][int version][long zxid][long data length][int crc32c][int 0]}
 * then the data. The CRC32C covers the 24 header bytes before it and the data. Written atomically.
 */
final class SnapshotFiles {

  static final int HEADER_BYTES = 32;
  private static final int MAGIC = 0x5A534E50; // "ZSNP"
  private static final int VERSION = 1;
  private static final int LENGTH_OFFSET = 16;
  private static final int CRC_OFFSET = 24;
  private static final String PREFIX = "snapshot-";
  private static final String SUFFIX = ".snap";

  private SnapshotFiles() {}

  static Path path(Path dir, long zxid) {
    return dir.resolve(String.format("%s%016x%s", PREFIX, zxid, SUFFIX));
  }

  /** The zxids of the snapshot files in {@code dir}, ascending. */
  static TreeSet<Long> list(Path dir) throws IOException {
    TreeSet<Long> zxids = new TreeSet<>();
    try (var stream = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        String hex = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
        if (hex.length() == 16) {
          try {
            zxids.add(Long.parseUnsignedLong(hex, 16));
          } catch (NumberFormatException e) {
            // Not one of ours; leave it alone.
          }
        }
      }
    }
    return zxids;
  }

  /** Writes {@code s} atomically (temp, fsync, rename, fsync dir); returns the file's size. */
  static long write(Path dir, Snapshot s, Fsyncs fsyncs) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    header.putInt(MAGIC).putInt(VERSION).putLong(s.zxid()).putLong(s.data().length);
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, CRC_OFFSET);
    crc.update(s.data());
    header.putInt((int) crc.getValue()).putInt(0).flip();
    AtomicFiles.write(path(dir, s.zxid()), fsyncs, header, ByteBuffer.wrap(s.data()));
    return HEADER_BYTES + (long) s.data().length;
  }

  /** Reads and verifies the snapshot at {@code zxid}. */
  static Snapshot read(Path dir, long zxid) throws IOException {
    return check(path(dir, zxid), zxid, true);
  }

  /** Verifies the snapshot at {@code zxid} without holding its data in memory. */
  static void verify(Path dir, long zxid) throws IOException {
    check(path(dir, zxid), zxid, false);
  }

  /** The size of the file of the snapshot at {@code zxid}. */
  static long size(Path dir, long zxid) throws IOException {
    return Files.size(path(dir, zxid));
  }

  private static Snapshot check(Path file, long nameZxid, boolean keepData) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      if (!AtomicFiles.readFully(ch, header, 0)) {
        throw new StorageCorruptedException(
            file, size, "snapshot file is " + size + " bytes, too short for its header");
      }
      if (header.getInt(0) != MAGIC || header.getInt(4) != VERSION) {
        throw new StorageCorruptedException(file, 0, "snapshot header has a bad magic or version");
      }
      long zxid = header.getLong(8);
      if (zxid != nameZxid) {
        throw new StorageCorruptedException(
            file,
            8,
            "snapshot header says zxid "
                + Zxid.format(zxid)
                + " but the file is named for "
                + Zxid.format(nameZxid));
      }
      long length = header.getLong(LENGTH_OFFSET);
      if (length < 0 || length > Integer.MAX_VALUE - 8 || HEADER_BYTES + length != size) {
        throw new StorageCorruptedException(
            file,
            LENGTH_OFFSET,
            "snapshot header says "
                + length
                + " bytes of data but the file holds "
                + (size - HEADER_BYTES));
      }
      CRC32C crc = new CRC32C();
      crc.update(header.array(), 0, CRC_OFFSET);
      byte[] data = null;
      if (keepData) {
        data = new byte[(int) length];
        AtomicFiles.readFully(ch, ByteBuffer.wrap(data), HEADER_BYTES);
        crc.update(data);
      } else {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        for (long pos = HEADER_BYTES; pos < size; ) {
          chunk.clear().limit((int) Math.min(chunk.capacity(), size - pos));
          AtomicFiles.readFully(ch, chunk, pos);
          pos += chunk.flip().remaining();
          crc.update(chunk);
        }
      }
      if (header.getInt(CRC_OFFSET) != (int) crc.getValue()) {
        throw new StorageCorruptedException(
            file,
            CRC_OFFSET,
            "snapshot checksum mismatch: the header and "
                + length
                + " bytes of data do not match the checksum stored at this offset");
      }
      return keepData ? new Snapshot(zxid, data) : null;
    }
  }
}
