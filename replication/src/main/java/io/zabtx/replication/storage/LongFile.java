package io.zabtx.replication.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A tiny file holding one long: {@code [int magic][long value][int crc32c of the 12 bytes before]},
 * replaced atomically. The epoch files and the history pointer use it.
 */
final class LongFile {

  static final int FILE_BYTES = 16;

  private LongFile() {}

  static ByteBuffer encode(int magic, long value) {
    ByteBuffer b = ByteBuffer.allocate(FILE_BYTES);
    b.putInt(magic).putLong(value);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 12);
    return b.putInt((int) crc.getValue()).flip();
  }

  /** Replaces {@code file} atomically (temp, fsync, rename, fsync directory). */
  static void write(Path file, int magic, long value, Fsyncs fsyncs) throws IOException {
    AtomicFiles.write(file, fsyncs, encode(magic, value));
  }

  /**
   * Reads and verifies {@code file}.
   *
   * @throws StorageCorruptedException if its size, magic or checksum is wrong
   */
  static long read(Path file, int magic) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length != FILE_BYTES) {
      throw new StorageCorruptedException(
          file, 0, "file is " + bytes.length + " bytes, expected " + FILE_BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 12);
    if (b.getInt(0) != magic) {
      throw new StorageCorruptedException(file, 0, "bad magic number");
    }
    if (b.getInt(12) != (int) crc.getValue()) {
      throw new StorageCorruptedException(
          file, 12, "checksum mismatch: the value does not match the checksum at this offset");
    }
    return b.getLong(4);
  }
}
