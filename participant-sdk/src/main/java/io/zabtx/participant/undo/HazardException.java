package io.zabtx.participant.undo;

import java.sql.SQLException;

/**
 * A row no longer equals the after image this branch wrote: something else changed it, so restoring
 * the before image would destroy that change (HEURISTIC_HAZARD). Nothing was restored.
 */
public final class HazardException extends SQLException {
  private final String table;
  private final String primaryKey;
  private final String column;

  /** The row of {@code table} with {@code primaryKey} differs in {@code column}. */
  public HazardException(String table, String primaryKey, String column, String detail) {
    super(
        "dirty write on "
            + table
            + " "
            + primaryKey
            + ", column "
            + column
            + ": "
            + detail
            + "; nothing restored");
    this.table = table;
    this.primaryKey = primaryKey;
    this.column = column;
  }

  /** The table, as an SQL name. */
  public String table() {
    return table;
  }

  /** The primary key of the row, rendered as {@code {col=value, ...}}. */
  public String primaryKey() {
    return primaryKey;
  }

  /** The first differing column, or {@code <row>} when the row appeared or disappeared. */
  public String column() {
    return column;
  }
}
