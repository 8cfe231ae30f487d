package io.zabtx.participant.store;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.branch.DurableBranch;
import io.zabtx.participant.undo.HazardException;
import io.zabtx.participant.undo.Rollback;
import io.zabtx.participant.undo.UndoRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BranchStore} on the participant's own database: each method one local transaction on a
 * connection of its own, committed durably ({@link Durability}). Every step first locks the
 * branch's {@code dtx_branch} row, so it serializes with a local transaction of the branch that is
 * committing its work ({@link BranchWork}): either that work is in the undo log this step reads, or
 * it sees the state this step set and is refused. Thread-safe.
 */
public final class JdbcBranchStore implements BranchStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcBranchStore.class);

  private final DtxDatabase db;
  private final Clock clock;

  /** A store on {@code db}, stamping {@code updated_ms} from {@code clock}. */
  public JdbcBranchStore(DtxDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void persist(DurableBranch row) throws SQLException {
    try (Connection c = db.begin()) {
      run(c, () -> BranchRows.upsert(c, db.dialect(), row, clock.millis()));
    }
  }

  @Override
  public void localCommit(BranchKey key, BranchState finalState) throws SQLException {
    requireFinal(finalState, BranchState.COMMITTED, BranchState.HEURISTIC_COMMIT);
    try (Connection c = db.begin()) {
      run(
          c,
          () -> {
            BranchRows.lock(c, key);
            UndoLog.delete(c, key);
            LockTable.release(c, key);
            BranchRows.setState(c, db.dialect(), key, finalState, clock.millis());
          });
    }
  }

  @Override
  public void localRollback(BranchKey key, BranchState finalState) throws SQLException {
    requireFinal(finalState, BranchState.ABORTED, BranchState.HEURISTIC_ABORT);
    try (Connection c = db.begin()) {
      try {
        run(
            c,
            () -> {
              BranchRows.lock(c, key);
              List<UndoRecord> records = UndoLog.load(c, key);
              Rollback.run(c, records);
              UndoLog.delete(c, key);
              LockTable.release(c, key);
              BranchRows.setState(c, db.dialect(), key, finalState, clock.millis());
            });
      } catch (HazardException e) {
        log.warn(
            "branch {}: rollback refused, marking it HEURISTIC_HAZARD: {}", key, e.getMessage());
        run(
            c,
            () ->
                BranchRows.setState(
                    c, db.dialect(), key, BranchState.HEURISTIC_HAZARD, clock.millis()));
        throw e;
      }
    }
  }

  @Override
  public void forget(BranchKey key) throws SQLException {
    try (Connection c = db.begin()) {
      run(c, () -> BranchRows.delete(c, key));
    }
  }

  @Override
  public List<DurableBranch> loadAll() throws SQLException {
    try (Connection c = db.dataSource().getConnection()) {
      return BranchRows.all(c);
    }
  }

  /** Runs {@code step} and commits durably, or rolls back and rethrows. */
  private void run(Connection c, Step step) throws SQLException {
    try {
      step.run();
      db.commit(c);
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void requireFinal(BranchState state, BranchState a, BranchState b) {
    if (state != a && state != b) {
      throw new IllegalArgumentException(
          "final state must be " + a + " or " + b + ", got " + state);
    }
  }

  private interface Step {
    void run() throws SQLException;
  }
}
