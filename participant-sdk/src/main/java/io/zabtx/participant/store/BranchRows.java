package io.zabtx.participant.store;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchProtocol;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.branch.DurableBranch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes {@code dtx_branch} rows inside the caller's local transaction. */
final class BranchRows {
  private BranchRows() {}

  /** Locks the branch's row if it exists; returns its state, or null when there is no row. */
  static BranchState lock(Connection c, BranchKey key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT state FROM dtx_branch WHERE xid = ? AND branch_id = ? FOR UPDATE")) {
      ps.setString(1, key.xid());
      ps.setInt(2, key.branchId());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? BranchState.valueOf(rs.getString(1)) : null;
      }
    }
  }

  /** Inserts or updates the row of {@code row.key()}. */
  static void upsert(Connection c, Dialect dialect, DurableBranch row, long nowMillis)
      throws SQLException {
    String sql =
        dialect == Dialect.POSTGRESQL
            ? "INSERT INTO dtx_branch (protocol, state, deadline_ms, updated_ms, xid, branch_id)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (xid, branch_id) DO UPDATE SET"
                + " protocol = EXCLUDED.protocol, state = EXCLUDED.state,"
                + " deadline_ms = EXCLUDED.deadline_ms, updated_ms = EXCLUDED.updated_ms"
            : "MERGE INTO dtx_branch (protocol, state, deadline_ms, updated_ms, xid, branch_id)"
                + " KEY (xid, branch_id) VALUES (?, ?, ?, ?, ?, ?)";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, row.protocol().name());
      ps.setString(2, row.state().name());
      ps.setLong(3, row.deadlineMillis());
      ps.setLong(4, nowMillis);
      ps.setString(5, row.key().xid());
      ps.setInt(6, row.key().branchId());
      ps.executeUpdate();
    }
  }

  /**
   * Sets an existing row's state (keeping protocol and deadline), or inserts a tombstone row with
   * {@code protocol} when there is none.
   */
  static void setState(
      Connection c, Dialect dialect, BranchKey key, BranchState state, long nowMillis)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE dtx_branch SET state = ?, updated_ms = ? WHERE xid = ? AND branch_id = ?")) {
      ps.setString(1, state.name());
      ps.setLong(2, nowMillis);
      ps.setString(3, key.xid());
      ps.setInt(4, key.branchId());
      if (ps.executeUpdate() == 1) {
        return;
      }
    }
    // No row: a tombstone. Its protocol and deadline are unknown and irrelevant to a final state.
    upsert(c, dialect, new DurableBranch(key, BranchProtocol.TWO_PC, state, 0), nowMillis);
  }

  /**
   * Makes sure the branch's row exists and is ACTIVE, locking it (so a concurrent phase step on the
   * branch waits for this local transaction, or this one sees its result).
   *
   * @throws SQLException when the row is in any other state: local work is no longer admitted
   */
  static void requireActive(
      Connection c,
      Dialect dialect,
      BranchKey key,
      BranchProtocol protocol,
      long deadlineMillis,
      long nowMillis)
      throws SQLException {
    BranchState state = lock(c, key);
    if (state == null) {
      insertActive(c, dialect, key, protocol, deadlineMillis, nowMillis);
      state = lock(c, key);
    }
    if (state != BranchState.ACTIVE) {
      throw new SQLException(
          "branch "
              + key
              + " is "
              + state
              + ": local work under xid "
              + key.xid()
              + " is no longer accepted (the transaction was decided or timed out)",
          "40000");
    }
  }

  /** Inserts an ACTIVE row unless a concurrent local transaction of the branch did first. */
  private static void insertActive(
      Connection c,
      Dialect dialect,
      BranchKey key,
      BranchProtocol protocol,
      long deadlineMillis,
      long nowMillis)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO dtx_branch (xid, branch_id, protocol, state, deadline_ms, updated_ms)"
                + " VALUES (?, ?, ?, 'ACTIVE', ?, ?)"
                + (dialect == Dialect.POSTGRESQL ? " ON CONFLICT DO NOTHING" : ""))) {
      ps.setString(1, key.xid());
      ps.setInt(2, key.branchId());
      ps.setString(3, protocol.name());
      ps.setLong(4, deadlineMillis);
      ps.setLong(5, nowMillis);
      ps.executeUpdate();
    } catch (SQLException e) {
      // H2 leaves the transaction usable after a failed statement; the row is there now.
      if (dialect != Dialect.H2 || !"23505".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  /** Deletes the row of {@code key}. */
  static void delete(Connection c, BranchKey key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM dtx_branch WHERE xid = ? AND branch_id = ?")) {
      ps.setString(1, key.xid());
      ps.setInt(2, key.branchId());
      ps.executeUpdate();
    }
  }

  /** Every row, ordered by xid and branch id. */
  static List<DurableBranch> all(Connection c) throws SQLException {
    List<DurableBranch> rows = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT xid, branch_id, protocol, state, deadline_ms FROM dtx_branch"
                    + " ORDER BY xid, branch_id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        BranchKey key = new BranchKey(rs.getString(1), rs.getInt(2));
        try {
          rows.add(
              new DurableBranch(
                  key,
                  BranchProtocol.valueOf(rs.getString(3)),
                  BranchState.valueOf(rs.getString(4)),
                  rs.getLong(5)));
        } catch (IllegalArgumentException e) {
          throw new SQLException(
              "dtx_branch row " + key + " has an unknown protocol or state: " + e.getMessage(),
              "22000",
              e);
        }
      }
    }
    return rows;
  }
}
