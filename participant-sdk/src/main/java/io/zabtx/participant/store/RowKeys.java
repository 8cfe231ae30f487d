package io.zabtx.participant.store;

import io.zabtx.participant.undo.RowImage;
import io.zabtx.participant.undo.Value;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * The canonical text of a row's primary key for {@code dtx_lock.row_key}: equal keys give equal
 * text whichever statement read them. Per key column, in key order: {@code KIND(length)text}, where
 * text is the value in a canonical form (DECIMAL without trailing zeros, bytes in hex, zoned times
 * in UTC). A key longer than {@link #MAX_CHARS} is stored as {@code sha256:<hex>} of its text.
 */
public final class RowKeys {
  /** Width of {@code dtx_lock.row_key}. */
  public static final int MAX_CHARS = 512;

  private RowKeys() {}

  /** The lock key of {@code row}. */
  public static String of(RowImage row) {
    StringBuilder sb = new StringBuilder();
    for (Value v : row.primaryKey().values()) {
      String text = text(v);
      sb.append(v.kind().name()).append('(').append(text.length()).append(')').append(text);
    }
    return sb.length() <= MAX_CHARS ? sb.toString() : "sha256:" + sha256(sb.toString());
  }

  private static String text(Value v) {
    Object o = v.value();
    return switch (v.kind()) {
      case NULL -> "";
      case DECIMAL -> ((BigDecimal) o).stripTrailingZeros().toPlainString();
      case BYTES, BLOB -> HexFormat.of().formatHex((byte[]) o);
      case TIMESTAMP_TZ -> ((OffsetDateTime) o).toInstant().toString();
      case TIME_TZ -> ((OffsetTime) o).withOffsetSameInstant(ZoneOffset.UTC).toString();
      default -> o.toString();
    };
  }

  private static String sha256(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
