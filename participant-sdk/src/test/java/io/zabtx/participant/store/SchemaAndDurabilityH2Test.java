package io.zabtx.participant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.participant.testing.H2Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Schema creation and validation, and the durability check, on H2. */
class SchemaAndDurabilityH2Test {
  private final H2Files files = new H2Files();

  @AfterEach
  void deleteFiles() {
    files.close();
  }

  @Test
  void createsTablesOnceAndValidatesThem() throws SQLException {
    DataSource ds = files.dataSource("schema");
    DtxDatabase.open(ds, true);
    DtxDatabase.open(ds, true); // idempotent
    DtxDatabase.open(ds, false); // present: validated only
    try (Connection c = ds.getConnection();
        ResultSet rs = c.getMetaData().getIndexInfo(null, "PUBLIC", "DTX_LOCK", false, false)) {
      List<String> indexes = new ArrayList<>();
      while (rs.next()) {
        indexes.add(rs.getString("INDEX_NAME"));
      }
      assertThat(indexes).contains("DTX_LOCK_BRANCH");
    }
  }

  @Test
  void concurrentStartsBothSucceed() throws Exception {
    DataSource ds = files.dataSource("race", ";WRITE_DELAY=0;AUTO_SERVER=FALSE");
    CyclicBarrier start = new CyclicBarrier(2);
    List<CompletableFuture<DtxDatabase>> starts = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
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
      assertThat(f.get(30, TimeUnit.SECONDS).dialect()).isEqualTo(Dialect.H2);
    }
  }

  @Test
  void missingTableWithoutCreationNamesItAndTheFix() {
    DataSource ds = files.dataSource("empty");
    assertThatThrownBy(() -> DtxDatabase.open(ds, false))
        .hasMessageContaining("dtx_branch is missing")
        .hasMessageContaining("CREATE TABLE IF NOT EXISTS dtx_branch");
  }

  @Test
  void brokenTableNamesTheMissingColumn() throws SQLException {
    DataSource ds = files.dataSource("broken");
    exec(ds, "CREATE TABLE dtx_lock (table_name VARCHAR(256), xid VARCHAR(128))");
    assertThatThrownBy(() -> DtxDatabase.open(ds, true))
        .hasMessageContaining("dtx_lock")
        .hasMessageContaining("no column row_key")
        .hasMessageContaining("drop or rename it");
  }

  @Test
  void writeDelayIsSetToZeroWhenAllowed() throws SQLException {
    DataSource ds = files.dataSource("delay", "");
    assertThat(writeDelay(ds)).isEqualTo("500");
    DtxDatabase db = DtxDatabase.open(ds, true);
    assertThat(writeDelay(ds)).isEqualTo("0");
    assertThat(db.durability().summary()).contains("process crash");
  }

  @Test
  void writeDelayThatCannotBeChangedIsRefusedWithTheFix() throws SQLException {
    DataSource admin = files.dataSource("locked", "");
    exec(admin, "CREATE USER app PASSWORD 'pw'", "GRANT ALL ON SCHEMA PUBLIC TO app");
    org.h2.jdbcx.JdbcDataSource app = new org.h2.jdbcx.JdbcDataSource();
    app.setURL(files.url("locked", ""));
    app.setUser("app");
    app.setPassword("pw");
    assertThatThrownBy(() -> DtxDatabase.open(app, true))
        .hasMessageContaining("WRITE_DELAY=500")
        .hasMessageContaining("add ;WRITE_DELAY=0 to the JDBC URL");
  }

  @Test
  void inMemoryDatabaseIsAllowedButSurvivesNothing() throws SQLException {
    try (Connection keepAlive = DriverManager.getConnection("jdbc:h2:mem:durability")) {
      org.h2.jdbcx.JdbcDataSource mem = new org.h2.jdbcx.JdbcDataSource();
      mem.setURL("jdbc:h2:mem:durability");
      assertThat(DtxDatabase.open(mem, true).durability().summary()).contains("survives nothing");
    }
  }

  @Test
  void unsupportedDatabaseIsNamed() {
    assertThat(Dialect.values()).containsExactly(Dialect.H2, Dialect.POSTGRESQL);
    var md =
        (java.sql.DatabaseMetaData)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {java.sql.DatabaseMetaData.class},
                (p, m, a) -> "MySQL");
    assertThatThrownBy(() -> Dialect.of(md))
        .hasMessage("unsupported database MySQL: ZabTX participant supports H2 and PostgreSQL");
  }

  private static String writeDelay(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                    + " WHERE SETTING_NAME = 'WRITE_DELAY'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void exec(DataSource ds, String... sqls) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      for (String sql : sqls) {
        st.execute(sql);
      }
    }
  }
}
