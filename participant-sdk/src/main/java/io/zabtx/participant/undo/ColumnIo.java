package io.zabtx.participant.undo;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Reads {@link Value}s from result sets and binds them to statements, exactly. */
final class ColumnIo {
  private ColumnIo() {}

  /** Reads the current row of {@code rs} into an image of {@code meta}'s table. */
  static RowImage readRow(ResultSet rs, TableMeta meta, String sql) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    Map<String, Value> columns = new LinkedHashMap<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      columns.put(
          md.getColumnLabel(i), read(rs, i, md.getColumnType(i), md.getColumnTypeName(i), sql));
    }
    Map<String, Value> key = new LinkedHashMap<>();
    for (String k : meta.primaryKey()) {
      Value v = columns.get(k);
      if (v == null) {
        throw new UndoRefusedException(sql, "key column " + k + " missing from the image");
      }
      key.put(k, v);
    }
    return new RowImage(meta.sqlName(), key, columns);
  }

  static Value read(ResultSet rs, int i, int type, String typeName, String sql)
      throws SQLException {
    Value.Kind kind = kindOf(type, typeName, rs.getMetaData().getColumnLabel(i), sql);
    Object v =
        switch (kind) {
          case BOOLEAN -> rs.getBoolean(i);
          case TINYINT -> rs.getByte(i);
          case SMALLINT -> rs.getShort(i);
          case INTEGER -> rs.getInt(i);
          case BIGINT -> rs.getLong(i);
          case DECIMAL -> rs.getBigDecimal(i);
          case REAL -> rs.getFloat(i);
          case DOUBLE -> rs.getDouble(i);
          case STRING, CLOB -> rs.getString(i);
          case BYTES, BLOB -> rs.getBytes(i);
          case DATE -> rs.getObject(i, LocalDate.class);
          case TIME -> rs.getObject(i, LocalTime.class);
          case TIME_TZ -> rs.getObject(i, OffsetTime.class);
          case TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
          case TIMESTAMP_TZ -> rs.getObject(i, OffsetDateTime.class);
          case UUID -> rs.getObject(i, UUID.class);
          case NULL -> null;
        };
    if (v == null || rs.wasNull()) {
      return Value.nullOf(type);
    }
    return Value.of(kind, v);
  }

  private static Value.Kind kindOf(int type, String typeName, String column, String sql)
      throws UndoRefusedException {
    String name = typeName == null ? "" : typeName.toUpperCase(Locale.ROOT);
    // PostgreSQL's driver reports UUID as OTHER and the zoned types as plain TIMESTAMP/TIME.
    switch (name) {
      case "UUID":
        return Value.Kind.UUID;
      case "TIMESTAMPTZ":
        return Value.Kind.TIMESTAMP_TZ;
      case "TIMETZ":
        return Value.Kind.TIME_TZ;
      default:
        break;
    }
    return switch (type) {
      case Types.BOOLEAN, Types.BIT -> Value.Kind.BOOLEAN;
      case Types.TINYINT -> Value.Kind.TINYINT;
      case Types.SMALLINT -> Value.Kind.SMALLINT;
      case Types.INTEGER -> Value.Kind.INTEGER;
      case Types.BIGINT -> Value.Kind.BIGINT;
      case Types.DECIMAL, Types.NUMERIC -> Value.Kind.DECIMAL;
      case Types.REAL -> Value.Kind.REAL;
      case Types.FLOAT, Types.DOUBLE -> Value.Kind.DOUBLE;
      case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR -> Value.Kind.STRING;
      case Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB -> Value.Kind.CLOB;
      case Types.BINARY, Types.VARBINARY -> Value.Kind.BYTES;
      case Types.LONGVARBINARY, Types.BLOB -> Value.Kind.BLOB;
      case Types.DATE -> Value.Kind.DATE;
      case Types.TIME -> Value.Kind.TIME;
      case Types.TIME_WITH_TIMEZONE -> Value.Kind.TIME_TZ;
      case Types.TIMESTAMP -> Value.Kind.TIMESTAMP;
      case Types.TIMESTAMP_WITH_TIMEZONE -> Value.Kind.TIMESTAMP_TZ;
      default ->
          throw new UndoRefusedException(
              sql, "column " + column + " has unsupported type " + typeName + " (" + type + ")");
    };
  }

  /** Binds {@code v} as parameter {@code i}. */
  static void bind(PreparedStatement ps, int i, Value v) throws SQLException {
    switch (v.kind()) {
      case NULL -> ps.setNull(i, v.sqlType());
      case BYTES, BLOB -> ps.setBytes(i, (byte[]) v.value());
      case STRING, CLOB -> ps.setString(i, (String) v.value());
      default -> ps.setObject(i, v.value());
    }
  }

  /** Binds the statement parameters {@code indexes} (1-based into {@code params}) from 1 on. */
  static void bindParams(PreparedStatement ps, List<Integer> indexes, List<?> params)
      throws SQLException {
    int i = 1;
    for (int index : indexes) {
      ps.setObject(i++, params.get(index - 1));
    }
  }

  /** {@code "a" = ? AND "b" = ?} for the key columns of {@code meta}. */
  static String keyPredicate(TableMeta meta, String quote) {
    StringBuilder sb = new StringBuilder();
    for (String k : meta.primaryKey()) {
      if (sb.length() > 0) {
        sb.append(" AND ");
      }
      sb.append(TableMetaCache.quote(quote, k)).append(" = ?");
    }
    return sb.toString();
  }
}
