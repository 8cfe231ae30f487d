package io.zabtx.participant.undo;

import java.util.List;
import java.util.Map;

/**
 * What the SDK needs to know about a table: its SQL name (quoted, schema-qualified), its primary
 * key columns in key order and every column's JDBC type ({@link java.sql.Types}) in table order.
 *
 * @param sqlName quoted, schema-qualified name, usable in generated SQL
 * @param primaryKey primary key column names, in key sequence order; never empty
 * @param columnTypes column name to {@link java.sql.Types} code, in table order
 */
public record TableMeta(String sqlName, List<String> primaryKey, Map<String, Integer> columnTypes) {
  /** Copies the collections. */
  public TableMeta {
    primaryKey = List.copyOf(primaryKey);
    columnTypes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columnTypes));
  }

  /** Whether {@code column} (case-insensitive) is part of the primary key. */
  public boolean isKey(String column) {
    return primaryKey.stream().anyMatch(k -> k.equalsIgnoreCase(column));
  }
}
