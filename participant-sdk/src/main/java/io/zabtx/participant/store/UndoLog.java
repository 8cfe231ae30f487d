package io.zabtx.participant.store;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.undo.ImageCodec;
import io.zabtx.participant.undo.UndoRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dtx_undo_log}: one row per committed local transaction of a branch, numbered in commit
 * order ({@code seq}); each holds that transaction's {@link UndoRecord}s in execution order.
 */
final class UndoLog {
  private UndoLog() {}

  /**
   * Appends {@code records} as the branch's next row. The caller holds the branch row's lock
   * ({@link BranchRows#requireActive}), which keeps {@code seq} unique and in commit order.
   */
  static void append(Connection c, Dialect dialect, BranchKey key, List<UndoRecord> records)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO dtx_undo_log (xid, branch_id, seq, record)"
                + " SELECT CAST(? AS VARCHAR(128)), CAST(? AS INT), COALESCE(MAX(seq), 0) + 1,"
                + " CAST(? AS "
                + dialect.binaryType()
                + ") FROM dtx_undo_log WHERE xid = ? AND branch_id = ?")) {
      ps.setString(1, key.xid());
      ps.setInt(2, key.branchId());
      ps.setBytes(3, ImageCodec.encode(records));
      ps.setString(4, key.xid());
      ps.setInt(5, key.branchId());
      ps.executeUpdate();
    }
  }

  /** Every record of the branch in execution order. */
  static List<UndoRecord> load(Connection c, BranchKey key) throws SQLException {
    List<UndoRecord> records = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seq, record FROM dtx_undo_log WHERE xid = ? AND branch_id = ? ORDER BY seq")) {
      ps.setString(1, key.xid());
      ps.setInt(2, key.branchId());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          try {
            records.addAll(ImageCodec.decode(rs.getBytes(2)));
          } catch (IllegalArgumentException e) {
            throw new SQLException(
                "undo log row " + key + " seq " + rs.getLong(1) + " is corrupt: " + e.getMessage(),
                "XX001",
                e);
          }
        }
      }
    }
    return records;
  }

  /** Deletes the branch's undo rows. */
  static void delete(Connection c, BranchKey key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM dtx_undo_log WHERE xid = ? AND branch_id = ?")) {
      ps.setString(1, key.xid());
      ps.setInt(2, key.branchId());
      ps.executeUpdate();
    }
  }
}
