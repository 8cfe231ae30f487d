package io.zabtx.participant.undo;

import java.util.List;

/**
 * What one INSERT/UPDATE/DELETE will change, as far as undo needs to know.
 *
 * @param sql the statement
 * @param kind INSERT, UPDATE or DELETE
 * @param table the target table as written, with its alias if any (for generated SELECTs)
 * @param meta the target table's metadata
 * @param where UPDATE/DELETE: the WHERE clause text (without {@code WHERE}), or null for all rows
 * @param whereParams UPDATE/DELETE: 1-based indexes of the statement's parameters used by {@code
 *     where}, in order
 * @param setColumns UPDATE: the assigned columns
 * @param insertColumns INSERT: the column list
 * @param insertRows INSERT: per row, per column of {@code insertColumns}, where its value comes
 *     from
 * @param parameterCount how many {@code ?} placeholders the statement has
 */
public record WritePlan(
    String sql,
    WriteKind kind,
    String table,
    TableMeta meta,
    String where,
    List<Integer> whereParams,
    List<String> setColumns,
    List<String> insertColumns,
    List<List<Source>> insertRows,
    int parameterCount) {

  /** Copies the lists. */
  public WritePlan {
    whereParams = List.copyOf(whereParams);
    setColumns = List.copyOf(setColumns);
    insertColumns = List.copyOf(insertColumns);
    insertRows = insertRows.stream().map(List::copyOf).toList();
  }

  /**
   * Where one inserted value comes from: the statement parameter {@code parameter} (1-based) when
   * positive, else the SQL expression {@code expression} (which then uses no parameter).
   */
  public record Source(int parameter, String expression) {}

  /** Whether every row of an INSERT gives every primary key column. */
  public boolean insertGivesKey() {
    return meta.primaryKey().stream()
        .allMatch(k -> insertColumns.stream().anyMatch(c -> c.equalsIgnoreCase(k)));
  }
}
