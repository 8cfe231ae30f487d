package io.zabtx.participant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchProtocol;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.branch.DurableBranch;
import io.zabtx.participant.context.DtxContext;
import io.zabtx.participant.jdbc.DtxDataSource;
import io.zabtx.participant.testing.TestGate;
import io.zabtx.participant.undo.HazardException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JdbcBranchStore} on every supported database; subclasses give the database. */
abstract class StoreContract {
  static final BranchKey KEY = new BranchKey("5-1", 1);

  DataSource raw;
  DtxDataSource ds;
  JdbcBranchStore store;

  abstract DataSource newDatabase();

  /** The same database as a new process would open it (H2: the files again). */
  abstract DataSource reopen(DataSource db);

  @BeforeEach
  void setUp() throws SQLException {
    raw = newDatabase();
    try (Connection c = raw.getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(20), qty INT)");
      st.execute(
          "INSERT INTO item (id, name, qty) VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)");
    }
    ds = new DtxDataSource(raw, new TestGate(), "items", Duration.ofMillis(300));
    store = new JdbcBranchStore(ds.database(), Clock.systemUTC());
  }

  /** Two local transactions of the branch: an update, a delete and an insert. */
  void work() throws SQLException {
    try (var scope = DtxContext.bind(KEY.xid());
        Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE item SET qty = qty + 1, name = 'x' WHERE id IN (1, 2)");
      c.setAutoCommit(false);
      st.executeUpdate("DELETE FROM item WHERE id = 3");
      st.executeUpdate("INSERT INTO item (id, name, qty) VALUES (4, 'd', 40)");
      st.executeUpdate("UPDATE item SET qty = 0 WHERE id = 1");
      c.commit();
    }
  }

  @Test
  void localCommitKeepsTheWorkAndDropsUndoAndLocks() throws SQLException {
    work();
    List<List<Object>> after = items();
    store.localCommit(KEY, BranchState.COMMITTED);
    assertThat(items()).isEqualTo(after);
    assertThat(sdkRows()).containsExactly(1, 0, 0);
    assertThat(store.loadAll())
        .containsExactly(
            new DurableBranch(
                KEY, BranchProtocol.TWO_PC, BranchState.COMMITTED, Long.MAX_VALUE / 2));
  }

  @Test
  void localRollbackRestoresExactly() throws SQLException {
    List<List<Object>> before = items();
    work();
    assertThat(items()).isNotEqualTo(before);
    store.localRollback(KEY, BranchState.ABORTED);
    assertThat(items()).isEqualTo(before);
    assertThat(sdkRows()).containsExactly(1, 0, 0);
    assertThat(store.loadAll().get(0).state()).isEqualTo(BranchState.ABORTED);
  }

  @Test
  void hazardMarksTheBranchAndChangesNothingElse() throws SQLException {
    work();
    try (Connection c = raw.getConnection();
        Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE item SET qty = 99 WHERE id = 2"); // behind the SDK's back
    }
    List<List<Object>> now = items();
    assertThatThrownBy(() -> store.localRollback(KEY, BranchState.ABORTED))
        .isInstanceOfSatisfying(
            HazardException.class, e -> assertThat(e.getMessage()).contains("99"));
    assertThat(items()).isEqualTo(now);
    assertThat(sdkRows()).containsExactly(1, 2, 4); // undo and locks kept
    assertThat(store.loadAll().get(0).state()).isEqualTo(BranchState.HEURISTIC_HAZARD);
  }

  @Test
  void stepsOnUnknownBranchesLeaveTombstones() throws SQLException {
    store.localRollback(new BranchKey("6-1", 2), BranchState.ABORTED);
    store.localCommit(new BranchKey("6-2", 3), BranchState.HEURISTIC_COMMIT);
    assertThat(store.loadAll())
        .extracting(DurableBranch::key, DurableBranch::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(new BranchKey("6-1", 2), BranchState.ABORTED),
            org.assertj.core.groups.Tuple.tuple(
                new BranchKey("6-2", 3), BranchState.HEURISTIC_COMMIT));
    assertThatThrownBy(() -> store.localCommit(KEY, BranchState.ABORTED))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void abortedBranchRefusesLaterWork() throws SQLException {
    store.localRollback(KEY, BranchState.ABORTED);
    assertThatThrownBy(this::work).hasMessageContaining("ABORTED");
    assertThat(sdkRows()).containsExactly(1, 0, 0);
    assertThat(items()).hasSize(3);
  }

  @Test
  void persistForgetAndLoadAllAfterReopening() throws SQLException {
    work();
    DurableBranch prepared =
        new DurableBranch(new BranchKey("7-1", 1), BranchProtocol.THREE_PC, BranchState.READY, 42);
    store.persist(prepared);
    store.persist(
        new DurableBranch(new BranchKey("7-2", 1), BranchProtocol.TWO_PC, BranchState.ABORTED, 1));
    store.forget(new BranchKey("7-2", 1));

    JdbcBranchStore reopened =
        new JdbcBranchStore(DtxDatabase.open(reopen(raw), true), Clock.systemUTC());
    assertThat(reopened.loadAll())
        .containsExactly(
            new DurableBranch(KEY, BranchProtocol.TWO_PC, BranchState.ACTIVE, Long.MAX_VALUE / 2),
            prepared);
    List<List<Object>> before = List.of(row(1, "a", 10), row(2, "b", 20), row(3, "c", 30));
    reopened.localRollback(KEY, BranchState.ABORTED);
    assertThat(items()).isEqualTo(before);
  }

  static List<Object> row(Object... values) {
    return List.of(values);
  }

  List<Integer> sdkRows() throws SQLException {
    return List.of(count("dtx_branch"), count("dtx_undo_log"), count("dtx_lock"));
  }

  int count(String table) throws SQLException {
    try (Connection c = raw.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  List<List<Object>> items() throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = raw.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id, name, qty FROM item ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(List.of(rs.getInt(1), rs.getString(2), rs.getInt(3)));
      }
    }
    return rows;
  }
}
