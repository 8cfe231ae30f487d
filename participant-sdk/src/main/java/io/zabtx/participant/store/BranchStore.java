package io.zabtx.participant.store;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.branch.DurableBranch;
import io.zabtx.participant.undo.HazardException;
import java.sql.SQLException;
import java.util.List;

/**
 * The durable steps the branch engine asks for ({@code BranchCommand.Persist}, {@code LocalCommit},
 * {@code LocalRollback}, {@code Forget}), each one local transaction on the participant's own
 * database, and what a restart reads back. Every method returns only after its transaction is
 * durable (or throws, having changed nothing). Thread-safe; the runtime may call it from several
 * worker threads, never concurrently for one branch.
 */
public interface BranchStore {

  /** Inserts or updates the {@code dtx_branch} row of {@code row.key()}. */
  void persist(DurableBranch row) throws SQLException;

  /**
   * Deletes the branch's undo and lock rows and sets its row to {@code finalState} (COMMITTED or
   * HEURISTIC_COMMIT), in one local transaction. A branch without a row gets one (a tombstone).
   */
  void localCommit(BranchKey key, BranchState finalState) throws SQLException;

  /**
   * Checks every row the branch changed against its after image, restores the before images in
   * reverse order, deletes the undo and lock rows and sets the branch row to {@code finalState}
   * (ABORTED or HEURISTIC_ABORT), in one local transaction. A branch without undo records just gets
   * its row (the tombstone for an abort that arrived before the work).
   *
   * @throws HazardException when a row differs from its after image: nothing was restored, the
   *     branch row was set to HEURISTIC_HAZARD in its own durable transaction
   */
  void localRollback(BranchKey key, BranchState finalState) throws SQLException;

  /** Deletes the branch's row (the engine stopped tracking the finished branch). */
  void forget(BranchKey key) throws SQLException;

  /** Every branch row, for {@code BranchEngine.recover} on start. */
  List<DurableBranch> loadAll() throws SQLException;
}
