package io.zabtx.participant.undo;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One column value of a row image, exactly as read: its {@link Kind} and a Java value of the type
 * the kind names ({@code null} for {@link Kind#NULL}, which keeps the column's JDBC type so it can
 * be bound again). Equality is exact: DECIMAL with scale, REAL/DOUBLE by bits, bytes by content.
 *
 * @param kind the value's kind
 * @param value the Java value (see {@link Kind}); null only for NULL
 * @param sqlType for NULL the column's {@link java.sql.Types} code, else 0
 */
public record Value(Kind kind, Object value, int sqlType) {

  /** Value kinds and the Java type each holds. */
  public enum Kind {
    /** SQL NULL. */
    NULL(Void.class),
    BOOLEAN(Boolean.class),
    TINYINT(Byte.class),
    SMALLINT(Short.class),
    INTEGER(Integer.class),
    BIGINT(Long.class),
    DECIMAL(BigDecimal.class),
    REAL(Float.class),
    DOUBLE(Double.class),
    /** CHAR, VARCHAR and long text. */
    STRING(String.class),
    CLOB(String.class),
    /** BINARY and VARBINARY. */
    BYTES(byte[].class),
    BLOB(byte[].class),
    DATE(LocalDate.class),
    TIME(LocalTime.class),
    TIME_TZ(OffsetTime.class),
    TIMESTAMP(LocalDateTime.class),
    TIMESTAMP_TZ(OffsetDateTime.class),
    UUID(UUID.class);

    final Class<?> javaType;

    Kind(Class<?> javaType) {
      this.javaType = javaType;
    }
  }

  /** Checks that {@code value} has the Java type of {@code kind}. */
  public Value {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.NULL) {
      if (value != null) {
        throw new IllegalArgumentException("NULL value with a payload");
      }
    } else if (!kind.javaType.isInstance(value)) {
      throw new IllegalArgumentException(
          kind + " needs a " + kind.javaType.getSimpleName() + ", got " + value);
    } else if (sqlType != 0) {
      throw new IllegalArgumentException("sqlType is only kept for NULL");
    }
  }

  /** A non-null value. */
  public static Value of(Kind kind, Object value) {
    return new Value(kind, value, 0);
  }

  /** SQL NULL for a column of {@link java.sql.Types} {@code sqlType}. */
  public static Value nullOf(int sqlType) {
    return new Value(Kind.NULL, null, sqlType);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Value v) || v.kind != kind) {
      return false;
    }
    if (kind == Kind.NULL) {
      return true; // NULL equals NULL whatever type the column reported
    }
    if (value instanceof byte[] b) {
      return Arrays.equals(b, (byte[]) v.value);
    }
    // BigDecimal.equals compares scale; Float/Double.equals compare bits.
    return value.equals(v.value);
  }

  @Override
  public int hashCode() {
    return value instanceof byte[] b ? Arrays.hashCode(b) : Objects.hash(kind, value);
  }

  @Override
  public String toString() {
    if (kind == Kind.NULL) {
      return "NULL";
    }
    if (value instanceof byte[] b) {
      return kind + "[" + b.length + " bytes]";
    }
    String s = value.toString();
    return s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + ")" : s;
  }
}
