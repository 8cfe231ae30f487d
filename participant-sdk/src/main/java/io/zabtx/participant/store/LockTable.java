package io.zabtx.participant.store;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.undo.RowImage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The row locks of global transactions ({@code dtx_lock}), always inside the caller's local
 * transaction (auto-commit off): they become visible to others when it commits and vanish if it
 * rolls back.
 *
 * <p>Waiting. A row held by another xid is polled (backing off from 5 to 100 ms) until the lock
 * wait has passed, then the write fails with a {@link LockConflictException}. A competing local
 * transaction that has not committed yet holds the database's own row or index lock; {@link
 * #boundDatabaseWaits} makes the database give up after the same lock wait (PostgreSQL: {@code SET
 * LOCAL lock_timeout}, for the rest of the local transaction; H2: the session's {@code
 * LOCK_TIMEOUT}), and that timeout is reported as the same exception with an unknown holder.
 * Thread-safe (no state but its settings and counters of waits and conflicts).
 */
public final class LockTable {
  private static final long BACKOFF_MIN_MILLIS = 5;
  private static final long BACKOFF_MAX_MILLIS = 100;

  private final Dialect dialect;
  private final long waitMillis;
  private final LongAdder waits = new LongAdder();
  private final LongAdder waitNanos = new LongAdder();
  private final LongAdder conflicts = new LongAdder();

  /** Locks in a database of {@code dialect}, waiting at most {@code lockWait} per write. */
  public LockTable(Dialect dialect, Duration lockWait) {
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    if (lockWait.isNegative()) {
      throw new IllegalArgumentException("lock wait must not be negative, got " + lockWait);
    }
    this.waitMillis = lockWait.toMillis();
  }

  /** The lock wait in milliseconds. */
  public long waitMillis() {
    return waitMillis;
  }

  /**
   * Makes the database's own lock waits in this local transaction give up after the lock wait.
   *
   * @return on H2 the session's previous {@code LOCK_TIMEOUT} (to restore with {@link
   *     #restoreH2LockTimeout} when the connection is handed back), else -1
   */
  public int boundDatabaseWaits(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      if (dialect == Dialect.POSTGRESQL) {
        st.execute("SET LOCAL lock_timeout = '" + Math.max(1, waitMillis) + "ms'");
        return -1;
      }
      int previous;
      try (ResultSet rs = st.executeQuery("SELECT LOCK_TIMEOUT()")) {
        rs.next();
        previous = rs.getInt(1);
      }
      st.execute("SET LOCK_TIMEOUT " + waitMillis);
      return previous;
    }
  }

  /** Restores an H2 session's lock timeout returned by {@link #boundDatabaseWaits}. */
  public void restoreH2LockTimeout(Connection c, int previous) throws SQLException {
    if (dialect == Dialect.H2 && previous >= 0) {
      try (Statement st = c.createStatement()) {
        st.execute("SET LOCK_TIMEOUT " + previous);
      }
    }
  }

  /** Whether {@code e} is the database giving up on one of its own lock waits. */
  public static boolean isLockTimeout(SQLException e) {
    String state = e.getSQLState();
    return "55P03".equals(state) // PostgreSQL lock_not_available
        || (e.getErrorCode() == 50200) // H2 LOCK_TIMEOUT_1
        || "HYT00".equals(state);
  }

  /**
   * The conflict exception for a database lock timeout {@code e} on one of {@code rows} (the first
   * stands for them all: the database does not say which one).
   */
  public LockConflictException databaseTimeout(String table, String rows, SQLException e) {
    conflicts.increment();
    return new LockConflictException(table, rows, null, waitMillis, e);
  }

  /**
   * Locks {@code rows} for {@code key}. A row already locked by {@code key.xid()} is kept as is.
   *
   * @throws LockConflictException when a row stays locked by another xid for the lock wait
   */
  public void acquire(Connection c, BranchKey key, List<RowImage> rows) throws SQLException {
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    for (RowImage row : rows) {
      String rowKey = RowKeys.of(row);
      long backoff = BACKOFF_MIN_MILLIS;
      long waitStart = 0;
      try {
        while (!tryInsert(c, key, row, rowKey)) {
          Holder holder = holder(c, row.table(), rowKey);
          if (holder == null) {
            continue; // released between the insert and the read: try again
          }
          if (holder.xid().equals(key.xid())) {
            break; // ours already (an earlier statement or local transaction of this xid)
          }
          waitStart = waitStart == 0 ? startWait() : waitStart;
          backoff = waitOrFail(deadline, backoff, row, holder);
        }
      } finally {
        endWait(waitStart);
      }
    }
  }

  /**
   * Waits until none of {@code rows} (which the caller has locked in the database, so no new global
   * lock can appear on them) is locked by a global transaction: the check of a plain write.
   *
   * @throws LockConflictException when a row stays locked for the lock wait
   */
  public void awaitUnlocked(Connection c, List<RowImage> rows) throws SQLException {
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    for (RowImage row : rows) {
      String rowKey = RowKeys.of(row);
      long backoff = BACKOFF_MIN_MILLIS;
      long waitStart = 0;
      Holder holder;
      try {
        while ((holder = holder(c, row.table(), rowKey)) != null) {
          waitStart = waitStart == 0 ? startWait() : waitStart;
          backoff = waitOrFail(deadline, backoff, row, holder);
        }
      } finally {
        endWait(waitStart);
      }
    }
  }

  /** Deletes every lock of {@code key}. */
  public static void release(Connection c, BranchKey key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM dtx_lock WHERE xid = ? AND branch_id = ?")) {
      ps.setString(1, key.xid());
      ps.setInt(2, key.branchId());
      ps.executeUpdate();
    }
  }

  private long waitOrFail(long deadline, long backoff, RowImage row, Holder holder)
      throws SQLException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      conflicts.increment();
      throw new LockConflictException(
          row.table(), row.primaryKey().toString(), holder.xid(), waitMillis, null);
    }
    try {
      Thread.sleep(Math.min(backoff, Math.max(1, left / 1_000_000)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a row lock", "40001", e);
    }
    return Math.min(backoff * 2, BACKOFF_MAX_MILLIS);
  }

  /** Rows a write found locked by another xid and waited for. */
  public long waits() {
    return waits.sum();
  }

  /** Nanoseconds spent waiting for rows locked by another xid. */
  public long waitNanos() {
    return waitNanos.sum();
  }

  /** Writes refused because a row stayed locked for the whole lock wait. */
  public long conflicts() {
    return conflicts.sum();
  }

  private long startWait() {
    waits.increment();
    return System.nanoTime();
  }

  private void endWait(long waitStart) {
    if (waitStart != 0) {
      waitNanos.add(System.nanoTime() - waitStart);
    }
  }

  private boolean tryInsert(Connection c, BranchKey key, RowImage row, String rowKey)
      throws SQLException {
    String sql =
        "INSERT INTO dtx_lock (table_name, row_key, xid, branch_id) VALUES (?, ?, ?, ?)"
            + (dialect == Dialect.POSTGRESQL ? " ON CONFLICT DO NOTHING" : "");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, row.table());
      ps.setString(2, rowKey);
      ps.setString(3, key.xid());
      ps.setInt(4, key.branchId());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (isLockTimeout(e)) {
        throw databaseTimeout(row.table(), row.primaryKey().toString(), e);
      }
      // H2: a failed statement leaves the transaction usable, so a duplicate is just "taken".
      if (dialect == Dialect.H2 && "23505".equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  private static Holder holder(Connection c, String table, String rowKey) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT xid, branch_id FROM dtx_lock WHERE table_name = ? AND row_key = ?")) {
      ps.setString(1, table);
      ps.setString(2, rowKey);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Holder(rs.getString(1), rs.getInt(2)) : null;
      }
    }
  }

  private record Holder(String xid, int branchId) {}
}
