package io.zabtx.replication.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The log record: {@code [int length][int crc32c][long zxid][data]}, big-endian.
 *
 * <p>{@code length} counts the bytes after the checksum ({@code 8 + data.length}), so it is never
 * zero even for an empty payload: a zero length word marks the end of the data in a pre-allocated
 * (zero-filled) segment. The CRC32C covers the length word, the zxid and the data, so a torn or
 * flipped length is caught as well as a damaged payload.
 *
 * <p>Offsets passed to these methods are absolute indexes into the buffer.
 */
final class RecordCodec {

  /** Bytes before the data: length, checksum, zxid. */
  static final int HEADER_BYTES = 16;

  /** Bytes of the length word and the checksum, which {@code length} does not count. */
  static final int PREFIX_BYTES = 8;

  /** The smallest valid length word: a zxid and no data. */
  static final int MIN_LENGTH = 8;

  private RecordCodec() {}

  /** Size of the record holding {@code dataBytes} of payload. */
  static int recordBytes(int dataBytes) {
    return HEADER_BYTES + dataBytes;
  }

  /** Writes the record at {@code dst}'s position and advances it. */
  static void encode(ByteBuffer dst, long zxid, byte[] data) {
    int start = dst.position();
    dst.putInt(MIN_LENGTH + data.length).putInt(0).putLong(zxid).put(data);
    dst.putInt(start + 4, checksum(dst, start));
  }

  /** The length word of the record at {@code at}. */
  static int length(ByteBuffer buf, int at) {
    return buf.getInt(at);
  }

  /** The zxid of the record at {@code at}. */
  static long zxid(ByteBuffer buf, int at) {
    return buf.getLong(at + 8);
  }

  /** Copies the payload of the record at {@code at}. */
  static byte[] data(ByteBuffer buf, int at) {
    byte[] data = new byte[length(buf, at) - MIN_LENGTH];
    buf.get(at + HEADER_BYTES, data);
    return data;
  }

  /**
   * True when the record at {@code at}, whose bytes ({@code PREFIX_BYTES + length}) are all in
   * {@code buf}, carries a matching checksum.
   */
  static boolean checksumMatches(ByteBuffer buf, int at) {
    return buf.getInt(at + 4) == checksum(buf, at);
  }

  private static int checksum(ByteBuffer buf, int at) {
    int length = buf.getInt(at);
    CRC32C crc = new CRC32C();
    ByteBuffer view = buf.duplicate();
    view.limit(at + 4).position(at);
    crc.update(view);
    view.limit(at + PREFIX_BYTES + length).position(at + PREFIX_BYTES);
    crc.update(view);
    return (int) crc.getValue();
  }
}
