package io.zabtx.participant.store;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchProtocol;
import io.zabtx.participant.undo.UndoRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What the DataSource wrapper writes into a local transaction of a branch before it commits: the
 * ACTIVE {@code dtx_branch} row and the transaction's undo records. (Its row locks went into {@code
 * dtx_lock} statement by statement, through {@link LockTable}.)
 */
public final class BranchWork {
  private BranchWork() {}

  /**
   * Makes sure the branch's row is ACTIVE (inserting it with {@code deadlineMillis} when absent;
   * locking it against a concurrent phase step) and appends {@code records} to its undo log, in the
   * caller's local transaction.
   *
   * @throws SQLException when the branch left ACTIVE (aborted, voted, timed out): the caller must
   *     roll back, the work is refused
   */
  public static void record(
      Connection c,
      Dialect dialect,
      BranchKey key,
      BranchProtocol protocol,
      long deadlineMillis,
      List<UndoRecord> records,
      long nowMillis)
      throws SQLException {
    BranchRows.requireActive(c, dialect, key, protocol, deadlineMillis, nowMillis);
    if (!records.isEmpty()) {
      UndoLog.append(c, dialect, key, records);
    }
  }
}
