package io.zabtx.participant.undo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Encodes {@link UndoRecord}s to bytes for {@code dtx_undo_log} and back, losslessly.
 *
 * <p>Format version 1 (big-endian, {@link DataOutputStream}): byte version, int record count; per
 * record: byte kind ordinal, before rows, after rows; rows: int count, then per row: string table,
 * int key size + (string, value)*, int column count + (string, value)*. A string is int length +
 * UTF-8 bytes. A value is a byte tag ({@link Value.Kind} ordinal) and its payload: NULL int
 * sqlType; integers in their width; DECIMAL int scale + unscaled two's-complement bytes;
 * REAL/DOUBLE raw bits; bytes int length + bytes; DATE epoch day; TIME nano of day; TIMESTAMP epoch
 * day + nano of day; *_TZ the local part + int offset seconds; UUID two longs. Appending kinds
 * keeps old tags valid; any other change needs a new version.
 */
public final class ImageCodec {
  static final int VERSION = 1;

  private ImageCodec() {}

  /** The bytes of {@code records}. */
  public static byte[] encode(List<UndoRecord> records) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(records.size());
      for (UndoRecord r : records) {
        out.writeByte(r.kind().ordinal());
        writeRows(out, r.before());
        writeRows(out, r.after());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory stream: cannot happen
    }
    return bytes.toByteArray();
  }

  /**
   * The records encoded in {@code data}.
   *
   * @throws IllegalArgumentException when {@code data} is not a valid encoding
   */
  public static List<UndoRecord> decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown undo image format version " + version);
      }
      int n = count(in);
      List<UndoRecord> records = new ArrayList<>(Math.min(n, 1024));
      for (int i = 0; i < n; i++) {
        WriteKind kind = WriteKind.values()[tag(in, WriteKind.values().length)];
        records.add(new UndoRecord(kind, readRows(in), readRows(in)));
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("trailing bytes after the undo images");
      }
      return records;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt undo images", e);
    }
  }

  private static void writeRows(DataOutputStream out, List<RowImage> rows) throws IOException {
    out.writeInt(rows.size());
    for (RowImage row : rows) {
      writeString(out, row.table());
      writeMap(out, row.primaryKey());
      writeMap(out, row.columns());
    }
  }

  private static List<RowImage> readRows(DataInputStream in) throws IOException {
    int n = count(in);
    List<RowImage> rows = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      rows.add(new RowImage(readString(in), readMap(in), readMap(in)));
    }
    return rows;
  }

  private static void writeMap(DataOutputStream out, Map<String, Value> map) throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, Value> e : map.entrySet()) {
      writeString(out, e.getKey());
      writeValue(out, e.getValue());
    }
  }

  private static Map<String, Value> readMap(DataInputStream in) throws IOException {
    int n = count(in);
    Map<String, Value> map = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      map.put(readString(in), readValue(in));
    }
    return map;
  }

  static void writeValue(DataOutputStream out, Value v) throws IOException {
    out.writeByte(v.kind().ordinal());
    Object o = v.value();
    switch (v.kind()) {
      case NULL -> out.writeInt(v.sqlType());
      case BOOLEAN -> out.writeBoolean((Boolean) o);
      case TINYINT -> out.writeByte((Byte) o);
      case SMALLINT -> out.writeShort((Short) o);
      case INTEGER -> out.writeInt((Integer) o);
      case BIGINT -> out.writeLong((Long) o);
      case DECIMAL -> {
        BigDecimal d = (BigDecimal) o;
        out.writeInt(d.scale());
        writeBytes(out, d.unscaledValue().toByteArray());
      }
      case REAL -> out.writeInt(Float.floatToRawIntBits((Float) o));
      case DOUBLE -> out.writeLong(Double.doubleToRawLongBits((Double) o));
      case STRING, CLOB -> writeString(out, (String) o);
      case BYTES, BLOB -> writeBytes(out, (byte[]) o);
      case DATE -> out.writeLong(((LocalDate) o).toEpochDay());
      case TIME -> out.writeLong(((LocalTime) o).toNanoOfDay());
      case TIME_TZ -> {
        OffsetTime t = (OffsetTime) o;
        out.writeLong(t.toLocalTime().toNanoOfDay());
        out.writeInt(t.getOffset().getTotalSeconds());
      }
      case TIMESTAMP -> writeDateTime(out, (LocalDateTime) o);
      case TIMESTAMP_TZ -> {
        OffsetDateTime t = (OffsetDateTime) o;
        writeDateTime(out, t.toLocalDateTime());
        out.writeInt(t.getOffset().getTotalSeconds());
      }
      case UUID -> {
        UUID u = (UUID) o;
        out.writeLong(u.getMostSignificantBits());
        out.writeLong(u.getLeastSignificantBits());
      }
    }
  }

  static Value readValue(DataInputStream in) throws IOException {
    Value.Kind kind = Value.Kind.values()[tag(in, Value.Kind.values().length)];
    Object o =
        switch (kind) {
          case NULL -> null;
          case BOOLEAN -> in.readBoolean();
          case TINYINT -> in.readByte();
          case SMALLINT -> in.readShort();
          case INTEGER -> in.readInt();
          case BIGINT -> in.readLong();
          case DECIMAL -> {
            int scale = in.readInt();
            yield new BigDecimal(new BigInteger(readBytes(in)), scale);
          }
          case REAL -> Float.intBitsToFloat(in.readInt());
          case DOUBLE -> Double.longBitsToDouble(in.readLong());
          case STRING, CLOB -> readString(in);
          case BYTES, BLOB -> readBytes(in);
          case DATE -> LocalDate.ofEpochDay(in.readLong());
          case TIME -> LocalTime.ofNanoOfDay(in.readLong());
          case TIME_TZ -> OffsetTime.of(LocalTime.ofNanoOfDay(in.readLong()), offset(in.readInt()));
          case TIMESTAMP -> readDateTime(in);
          case TIMESTAMP_TZ -> OffsetDateTime.of(readDateTime(in), offset(in.readInt()));
          case UUID -> new UUID(in.readLong(), in.readLong());
        };
    return kind == Value.Kind.NULL ? Value.nullOf(in.readInt()) : Value.of(kind, o);
  }

  private static ZoneOffset offset(int seconds) {
    try {
      return ZoneOffset.ofTotalSeconds(seconds);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("bad zone offset " + seconds, e);
    }
  }

  private static void writeDateTime(DataOutputStream out, LocalDateTime t) throws IOException {
    out.writeLong(t.toLocalDate().toEpochDay());
    out.writeLong(t.toLocalTime().toNanoOfDay());
  }

  private static LocalDateTime readDateTime(DataInputStream in) throws IOException {
    try {
      return LocalDateTime.of(
          LocalDate.ofEpochDay(in.readLong()), LocalTime.ofNanoOfDay(in.readLong()));
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("bad timestamp", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = count(in);
    if (n > in.available()) {
      throw new IllegalArgumentException("length " + n + " beyond the end of the undo images");
    }
    return in.readNBytes(n);
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IllegalArgumentException("negative length " + n + " in undo images");
    }
    return n;
  }

  private static int tag(DataInputStream in, int limit) throws IOException {
    int t = in.readUnsignedByte();
    if (t >= limit) {
      throw new IllegalArgumentException("unknown tag " + t + " in undo images");
    }
    return t;
  }
}
