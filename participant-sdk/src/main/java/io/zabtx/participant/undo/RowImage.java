package io.zabtx.participant.undo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row as it was at a moment: its table (SQL name), its primary key (column to value, in key
 * order) and every column's value (in table order; includes the key columns).
 */
public record RowImage(String table, Map<String, Value> primaryKey, Map<String, Value> columns) {
  /** Copies the maps, keeping their order. */
  public RowImage {
    primaryKey = Collections.unmodifiableMap(new LinkedHashMap<>(primaryKey));
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }
}
