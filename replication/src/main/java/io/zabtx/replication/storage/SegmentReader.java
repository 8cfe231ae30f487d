package io.zabtx.replication.storage;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Zxid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads one segment file at start-up: checks its header and every record, and tells a torn tail
 * (what a crash during an unsynced write leaves) from corruption (what must stop the node).
 *
 * <p>Only the newest segment can have a torn tail: a segment is fsynced before the next one is
 * created. In the newest segment, the valid records end at the first zero length word or the first
 * record that fails its checksum or overruns the file. If non-zero bytes follow, they are a torn
 * tail only if no valid record starts anywhere in them; a valid record after the damage means the
 * damage is not at the tail, and entries after it may have been acknowledged.
 */
final class SegmentReader {

  /** What recovery learned about one segment. */
  record Result(LogSegment segment, int records, boolean tornTail, long tornBytes) {}

  /**
   * Bytes of candidate records the search behind a damaged record may checksum before it gives up
   * and reports corruption: it bounds start-up time on arbitrary garbage, erring on the safe side.
   */
  static final long DAMAGE_SEARCH_BUDGET_BYTES = 256L << 20;

  private static final int WINDOW_BYTES = 1 << 20;

  /** Results of {@link #findValidRecord} other than an offset. */
  private static final long NONE = -1;

  private static final long BUDGET_EXHAUSTED = -2;

  private SegmentReader() {}

  /**
   * Validates {@code path} and adds its entries above {@code keepAbove} to {@code out}. Does not
   * cut a torn tail: the caller does that once the whole log is known to be sound.
   *
   * @param nameZxid the first zxid the file name stands for
   * @param newest whether this is the newest segment, the only one that may have a torn tail
   */
  static Result read(Path path, long nameZxid, boolean newest, long keepAbove, List<Entry> out)
      throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return read(ch, path, nameZxid, newest, keepAbove, out);
    } catch (IOException | RuntimeException | Error e) {
      ch.close();
      throw e;
    }
  }

  private static Result read(
      FileChannel ch, Path path, long nameZxid, boolean newest, long keepAbove, List<Entry> out)
      throws IOException {
    FileWindow window = new FileWindow(ch, ch.size(), WINDOW_BYTES);
    long prevZxid = readHeader(window, path, nameZxid);
    Records records = readRecords(window, path, prevZxid, nameZxid, keepAbove, out);
    long tornBytes = checkTail(window, path, records.end(), newest);
    if (records.count() == 0 && !newest) {
      throw new StorageCorruptedException(
          path, LogSegment.HEADER_BYTES, "a segment that is not the newest holds no records");
    }
    LogSegment segment =
        new LogSegment(
            path, ch, prevZxid, nameZxid, records.lastZxid(), window.size(), records.end());
    return new Result(segment, records.count(), tornBytes > 0, tornBytes);
  }

  /** The valid records of a segment: how many, the last zxid, and the offset just past them. */
  private record Records(int count, long lastZxid, long end) {}

  /** Checks the header against its checksum and the file name; returns its previous zxid. */
  private static long readHeader(FileWindow window, Path path, long nameZxid) throws IOException {
    ByteBuffer h = window.at(0, LogSegment.HEADER_BYTES);
    if (h == null) {
      throw new StorageCorruptedException(
          path, 0, "log segment is " + window.size() + " bytes, too short for its header");
    }
    int at = h.position();
    CRC32C crc = new CRC32C();
    crc.update(h.duplicate().limit(at + 24));
    if (h.getInt(at) != LogSegment.MAGIC
        || h.getInt(at + 4) != LogSegment.VERSION
        || h.getInt(at + 24) != (int) crc.getValue()) {
      throw new StorageCorruptedException(
          path, 0, "log segment header is damaged (bad magic, version or checksum)");
    }
    long prevZxid = h.getLong(at + LogSegment.PREV_ZXID_OFFSET);
    long firstZxid = h.getLong(at + 16);
    if (firstZxid != nameZxid || prevZxid >= firstZxid) {
      throw new StorageCorruptedException(
          path,
          LogSegment.PREV_ZXID_OFFSET,
          "log segment header (previous zxid "
              + Zxid.format(prevZxid)
              + ", first zxid "
              + Zxid.format(firstZxid)
              + ") does not fit the file name");
    }
    return prevZxid;
  }

  /**
   * Reads records up to the first zero length word or the first record that fails its checksum or
   * overruns the file. A record that passes its checksum but breaks the zxid order is stale data of
   * another history: that is corruption, wherever it is.
   */
  private static Records readRecords(
      FileWindow window, Path path, long prevZxid, long firstZxid, long keepAbove, List<Entry> out)
      throws IOException {
    long pos = LogSegment.HEADER_BYTES;
    long last = prevZxid;
    int count = 0;
    while (true) {
      ByteBuffer lengthWord = window.at(pos, 4);
      if (lengthWord == null) {
        break;
      }
      int length = RecordCodec.length(lengthWord, lengthWord.position());
      if (length < RecordCodec.MIN_LENGTH
          || pos + RecordCodec.PREFIX_BYTES + length > window.size()) {
        break; // the end marker (0), or a damaged or torn record
      }
      ByteBuffer rec = window.at(pos, RecordCodec.PREFIX_BYTES + length);
      int r = rec.position();
      if (!RecordCodec.checksumMatches(rec, r)) {
        break;
      }
      long zxid = RecordCodec.zxid(rec, r);
      if (count == 0 && zxid != firstZxid) {
        throw new StorageCorruptedException(
            path,
            pos,
            "first record has zxid "
                + Zxid.format(zxid)
                + " but the segment is named for "
                + Zxid.format(firstZxid));
      }
      if (zxid <= last) {
        throw new StorageCorruptedException(
            path,
            pos,
            "record zxid "
                + Zxid.format(zxid)
                + " does not follow "
                + Zxid.format(last)
                + ": zxids must strictly increase (stale data of an older history?)");
      }
      if (zxid > keepAbove) {
        out.add(new Entry(zxid, RecordCodec.data(rec, r)));
      }
      last = zxid;
      count++;
      pos += RecordCodec.PREFIX_BYTES + length;
    }
    return new Records(count, last, pos);
  }

  /**
   * Classifies what follows the valid records at {@code end}: zeros (clean), a torn tail (returns
   * its length in bytes, for the caller to cut), or corruption (throws).
   */
  private static long checkTail(FileWindow window, Path path, long end, boolean newest)
      throws IOException {
    long dataEnd = window.endOfNonZero(end);
    if (dataEnd == end) {
      return 0;
    }
    if (!newest) {
      throw new StorageCorruptedException(
          path,
          end,
          "damaged data after the last valid record of a segment that is not the newest;"
              + " older segments are fsynced before a newer one is created, so this is no torn"
              + " write");
    }
    long valid = findValidRecord(window, end + 1, dataEnd);
    if (valid >= 0) {
      throw new StorageCorruptedException(
          path,
          end,
          "the record at this offset is damaged, but a valid record follows at offset "
              + valid
              + "; entries after the damage may have been acknowledged, so they are not"
              + " dropped as a torn tail");
    }
    if (valid == BUDGET_EXHAUSTED) {
      throw new StorageCorruptedException(
          path,
          end,
          "the record at this offset is damaged and the "
              + (dataEnd - end)
              + " bytes after it could not be ruled out as valid records");
    }
    return dataEnd - end;
  }

  /**
   * The offset of the first record in {@code [from, to)} that passes its checksum, {@link #NONE},
   * or {@link #BUDGET_EXHAUSTED}. Records are not aligned, so every offset is a candidate.
   */
  private static long findValidRecord(FileWindow window, long from, long to) throws IOException {
    long budget = DAMAGE_SEARCH_BUDGET_BYTES;
    for (long o = from; o < to; o++) {
      ByteBuffer h = window.at(o, RecordCodec.HEADER_BYTES);
      if (h == null) {
        return NONE;
      }
      int length = RecordCodec.length(h, h.position());
      if (length < RecordCodec.MIN_LENGTH
          || o + RecordCodec.PREFIX_BYTES + length > window.size()
          || RecordCodec.zxid(h, h.position()) <= 0) {
        continue;
      }
      budget -= length;
      if (budget < 0) {
        return BUDGET_EXHAUSTED;
      }
      ByteBuffer rec = window.at(o, RecordCodec.PREFIX_BYTES + length);
      if (RecordCodec.checksumMatches(rec, rec.position())) {
        return o;
      }
    }
    return NONE;
  }
}
