package io.zabtx.participant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.participant.testing.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Schema creation and validation, and the durability check, on a real PostgreSQL server. */
class SchemaAndDurabilityPostgresTest {
  @RegisterExtension static final Postgres PG = new Postgres();

  @Test
  void concurrentStartsCreateTheTablesOnce() throws Exception {
    DataSource ds = PG.newDatabase();
    CyclicBarrier start = new CyclicBarrier(3);
    List<CompletableFuture<DtxDatabase>> starts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starts.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  start.await(10, TimeUnit.SECONDS);
                  return DtxDatabase.open(ds, true);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (CompletableFuture<DtxDatabase> f : starts) {
      assertThat(f.get(30, TimeUnit.SECONDS).dialect()).isEqualTo(Dialect.POSTGRESQL);
    }
    DtxDatabase.open(ds, false);
  }

  @Test
  void brokenPrimaryKeyIsNamed() throws SQLException {
    DataSource ds = PG.newDatabase();
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE dtx_branch (xid VARCHAR(128), branch_id INT, protocol VARCHAR(16),"
              + " state VARCHAR(32), deadline_ms BIGINT, updated_ms BIGINT, PRIMARY KEY (xid))");
    }
    assertThatThrownBy(() -> DtxDatabase.open(ds, true))
        .hasMessageContaining("dtx_branch")
        .hasMessageContaining("primary key [xid], expected [xid, branch_id]");
  }

  @Test
  void synchronousCommitOffIsTurnedOnInTheSdkTransactions() throws SQLException {
    DataSource ds = PG.newDatabase();
    DtxDatabase db = DtxDatabase.open(ds, true);
    assertThat(db.durability().summary()).contains("synchronous_commit on per SDK transaction");
    try (Connection c = db.begin()) {
      assertThat(show(c)).isEqualTo("off");
      db.durability().beforeCommit(c);
      assertThat(show(c)).isEqualTo("on");
      c.commit();
      assertThat(show(c)).isEqualTo("off"); // SET LOCAL: only that transaction
    }
  }

  private static String show(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
