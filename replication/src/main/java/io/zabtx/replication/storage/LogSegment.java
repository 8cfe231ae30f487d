package io.zabtx.replication.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * One log segment file, {@code log-<16 hex digits of its first zxid>.seg}, pre-allocated to its
 * capacity: a {@value #HEADER_BYTES}-byte header, then records ({@link RecordCodec}) back to back,
 * then zeros.
 *
 * <p>Header: {@code [int magic "ZLOG"][int version][long prevZxid][long firstZxid][int crc32c of
 * the 24 bytes before][int 0]}. {@code prevZxid} is the last zxid of the history before this
 * segment's first record, which lets recovery tell a missing segment from the normal gaps between
 * zxids.
 *
 * <p>Appends collect in a buffer until {@link #flush()}; {@link #force} makes them durable.
 *
 * <p><b>Threading.</b> Owned by the storage's thread, with one exception: {@link #forceTo} may run
 * on another thread (the runtime's syncer) while the owner keeps appending and flushing. That is
 * why {@code flushedEnd} is volatile (a forcing thread reads how far the OS has the data) and why
 * forcing is serialized on the segment ({@code forcedEnd} is guarded by {@code this}).
 */
final class LogSegment {

  static final int HEADER_BYTES = 32;
  static final int MAGIC = 0x5A4C4F47; // "ZLOG"
  static final int VERSION = 1;

  /** Offset of {@code prevZxid} in the header, for error messages. */
  static final int PREV_ZXID_OFFSET = 8;

  /** A spare is zero-filled and made durable this many bytes at a time. */
  private static final int SPARE_CHUNK_BYTES = 1 << 20;

  /** Appends are collected up to this many bytes before they are handed to the OS. */
  private static final int PENDING_BYTES = 256 * 1024;

  private static final String PREFIX = "log-";
  private static final String SUFFIX = ".seg";

  private final Path path;
  private final FileChannel channel;
  private final long prevZxid;
  private final long firstZxid;
  private final long capacity;
  private long lastZxid;
  private volatile long flushedEnd;
  private long end;
  private ByteBuffer pending;

  /** Everything below this offset is durable. Guarded by {@code this}; volatile for reads. */
  private volatile long forcedEnd;

  LogSegment(
      Path path,
      FileChannel channel,
      long prevZxid,
      long firstZxid,
      long lastZxid,
      long capacity,
      long end) {
    this.path = path;
    this.channel = channel;
    this.prevZxid = prevZxid;
    this.firstZxid = firstZxid;
    this.lastZxid = lastZxid;
    this.capacity = capacity;
    this.flushedEnd = end;
    this.forcedEnd = end;
    this.end = end;
  }

  static String fileName(long firstZxid) {
    return String.format("%s%016x%s", PREFIX, firstZxid, SUFFIX);
  }

  /** The first zxid a segment file name stands for, or -1 if it is not a segment's name. */
  static long parseFileName(String name) {
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
      return -1;
    }
    String hex = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
    if (hex.length() != 16) {
      return -1;
    }
    try {
      return Long.parseUnsignedLong(hex, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Creates a segment atomically, in line: a {@link #prepareSpare spare} made now and turned into
   * the segment, so a segment file never exists without a valid header.
   */
  static LogSegment create(Path dir, long prevZxid, long firstZxid, long capacity, Fsyncs fsyncs)
      throws IOException {
    Path spare = prepareSpare(dir, capacity, fsyncs);
    try {
      return createFromSpare(dir, spare, prevZxid, firstZxid, capacity, fsyncs);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(spare);
      throw e;
    }
  }

  /**
   * A zero-filled file of {@code capacity} bytes, durable with its size, under a temporary name
   * that recovery deletes: made ahead of time, off the event loop, so that rolling to a new segment
   * does not stop the log for the time it takes to write and fsync tens of MiB of zeros.
   */
  static Path prepareSpare(Path dir, long capacity, Fsyncs fsyncs) throws IOException {
    Path spare = dir.resolve("spare-" + System.nanoTime() + AtomicFiles.TEMP_SUFFIX);
    try (FileChannel ch =
        FileChannel.open(spare, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      // Zeros are written, not just a size set: in a sparse file every append would allocate
      // blocks, and each fdatasync would then commit file-system metadata too (measured here:
      // ~7 ms per group commit instead of well under 1 ms). With real blocks and a fixed size,
      // fdatasync flushes data only.
      ByteBuffer zeros = ByteBuffer.allocateDirect(SPARE_CHUNK_BYTES);
      for (long pos = 0; pos < capacity; pos += zeros.capacity()) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), capacity - pos));
        AtomicFiles.writeFully(ch, zeros, pos);
        // A chunk at a time: one fsync of 64 MiB held the file system's journal for ~140 ms here,
        // and every log fsync of the node waited behind it (the benchmark's p99).
        fsyncs.force(ch, false);
      }
      fsyncs.force(ch, true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(spare);
      throw e;
    }
    return spare;
  }

  /**
   * Turns a {@link #prepareSpare spare} of exactly {@code capacity} bytes into a segment: the
   * header goes in and is made durable before the rename, so a segment file never exists without
   * one.
   */
  static LogSegment createFromSpare(
      Path dir, Path spare, long prevZxid, long firstZxid, long capacity, Fsyncs fsyncs)
      throws IOException {
    Path path = dir.resolve(fileName(firstZxid));
    try (FileChannel ch = FileChannel.open(spare, StandardOpenOption.WRITE)) {
      if (ch.size() != capacity) {
        throw new IOException("spare " + spare + " has " + ch.size() + " bytes, not " + capacity);
      }
      AtomicFiles.writeFully(ch, header(prevZxid, firstZxid), 0);
      fsyncs.force(ch, false); // the size and blocks were made durable with the spare
    }
    AtomicFiles.commit(spare, path, fsyncs);
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new LogSegment(path, ch, prevZxid, firstZxid, prevZxid, capacity, HEADER_BYTES);
  }

  static ByteBuffer header(long prevZxid, long firstZxid) {
    ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
    h.putInt(MAGIC).putInt(VERSION).putLong(prevZxid).putLong(firstZxid);
    CRC32C crc = new CRC32C();
    crc.update(h.array(), 0, 24);
    h.putInt((int) crc.getValue()).putInt(0);
    return h.flip();
  }

  Path path() {
    return path;
  }

  long prevZxid() {
    return prevZxid;
  }

  long firstZxid() {
    return firstZxid;
  }

  /** The zxid of the last record, or {@link #prevZxid()} if the segment holds none. */
  long lastZxid() {
    return lastZxid;
  }

  boolean isEmpty() {
    return end == HEADER_BYTES;
  }

  long capacity() {
    return capacity;
  }

  /** The offset just past the last record. */
  long end() {
    return end;
  }

  boolean fits(int recordBytes) {
    return end + recordBytes <= capacity;
  }

  /** Appends a record; the caller checked {@link #fits} and that the zxid increases. */
  void append(long zxid, byte[] data) throws IOException {
    int bytes = RecordCodec.recordBytes(data.length);
    if (pending == null) {
      pending = ByteBuffer.allocate(PENDING_BYTES);
    }
    if (bytes > pending.remaining()) {
      flush();
    }
    if (bytes > pending.remaining()) {
      ByteBuffer big = ByteBuffer.allocate(bytes);
      RecordCodec.encode(big, zxid, data);
      flushedEnd += AtomicFiles.writeFully(channel, big.flip(), flushedEnd);
    } else {
      RecordCodec.encode(pending, zxid, data);
    }
    end += bytes;
    lastZxid = zxid;
  }

  /** Hands buffered records to the OS (no fsync). */
  void flush() throws IOException {
    if (pending != null && pending.position() > 0) {
      pending.flip();
      flushedEnd += AtomicFiles.writeFully(channel, pending, flushedEnd);
      pending.clear();
    }
  }

  /** How far records were handed to the OS; {@link #forceTo} with this makes them durable. */
  long flushedEnd() {
    return flushedEnd;
  }

  /** True when some record is not known to be durable. */
  boolean hasUnforced() {
    return (pending != null && pending.position() > 0) || forcedEnd < flushedEnd;
  }

  /** Makes every record durable: one fdatasync for all of them. */
  void force(Fsyncs fsyncs) throws IOException {
    flush();
    forceTo(flushedEnd, fsyncs);
  }

  /**
   * Makes the records below {@code target} (an earlier {@link #flushedEnd()}) durable, unless an
   * earlier force already did. Safe on any thread; concurrent calls fsync once, and one fdatasync
   * covers everything flushed before it started, so forces queued behind it usually return at once.
   */
  synchronized void forceTo(long target, Fsyncs fsyncs) throws IOException {
    if (forcedEnd >= target) {
      return;
    }
    long covered = flushedEnd; // read before the fsync: only what the OS had then is covered
    fsyncs.force(channel, false);
    forcedEnd = covered;
  }

  /** Frees the append buffer of a segment that will not be appended to again. */
  void seal() {
    pending = null;
  }

  /**
   * Drops every record above {@code zxid}, durably, before returning. The cut is a file truncation
   * (then the size is restored): zeroing the tail with writes instead could, after a crash, leave
   * later appends followed by stale records of the old history that still pass their checksums.
   */
  void truncateAfter(long zxid, Fsyncs fsyncs) throws IOException {
    flush();
    FileWindow window = new FileWindow(channel, end, 64 * 1024);
    long cut = HEADER_BYTES;
    long last = prevZxid;
    while (cut < end) {
      ByteBuffer h = window.at(cut, RecordCodec.HEADER_BYTES);
      long z = RecordCodec.zxid(h, h.position());
      if (z > zxid) {
        break;
      }
      last = z;
      cut += RecordCodec.PREFIX_BYTES + RecordCodec.length(h, h.position());
    }
    if (cut == end) {
      return;
    }
    channel.truncate(cut);
    AtomicFiles.writeFully(channel, ByteBuffer.allocate(1), capacity - 1);
    fsyncs.force(channel, true);
    end = cut;
    flushedEnd = cut;
    lastZxid = last;
    synchronized (this) {
      forcedEnd = cut;
    }
  }

  /**
   * Cuts what recovery found after {@link #end()} (a torn tail) with the same truncation, so that
   * nothing of the torn record is left for a later scan to mistake for data.
   */
  void cutTornTail(Fsyncs fsyncs) throws IOException {
    long size = channel.size();
    channel.truncate(end);
    AtomicFiles.writeFully(channel, ByteBuffer.allocate(1), size - 1);
    fsyncs.force(channel, true);
  }

  /** Closes the file without flushing: buffered records are dropped, as in a crash. */
  void close() throws IOException {
    pending = null;
    channel.close();
  }
}
