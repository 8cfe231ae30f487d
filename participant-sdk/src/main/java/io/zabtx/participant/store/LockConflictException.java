package io.zabtx.participant.store;

import java.sql.SQLException;

/**
 * A write found its row locked by another global transaction (a {@code dtx_lock} row, or the
 * database's own row lock of an uncommitted local transaction) and gave up after the lock wait.
 * SQLState {@value #SQL_STATE} (serialization failure: the caller may retry the transaction later);
 * the write did not take effect, and the local transaction must be rolled back.
 */
public final class LockConflictException extends SQLException {
  /** The SQLState of every lock conflict: 40001, "serialization failure", retryable. */
  public static final String SQL_STATE = "40001";

  private final String table;
  private final String rowKey;
  private final String holderXid;
  private final long waitedMillis;

  /**
   * A conflict on the row {@code rowKey} of {@code table}, held by {@code holderXid} (null when the
   * holder is an uncommitted local transaction whose xid is not known), after waiting {@code
   * waitedMillis}.
   */
  public LockConflictException(
      String table, String rowKey, String holderXid, long waitedMillis, Throwable cause) {
    super(
        "row "
            + rowKey
            + " of "
            + table
            + " is locked by "
            + (holderXid == null
                ? "another uncommitted local transaction"
                : "global transaction " + holderXid)
            + "; gave up after waiting "
            + waitedMillis
            + " ms (the lock wait); retry when that transaction has finished",
        SQL_STATE,
        cause);
    this.table = table;
    this.rowKey = rowKey;
    this.holderXid = holderXid;
    this.waitedMillis = waitedMillis;
  }

  /** The table, as an SQL name. */
  public String table() {
    return table;
  }

  /** The row's primary key, rendered as {@code {col=value, ...}}. */
  public String rowKey() {
    return rowKey;
  }

  /** The global transaction holding the row, or null when unknown. */
  public String holderXid() {
    return holderXid;
  }

  /** How long the write waited before giving up. */
  public long waitedMillis() {
    return waitedMillis;
  }
}
