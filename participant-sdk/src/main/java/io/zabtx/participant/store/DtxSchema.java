package io.zabtx.participant.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the SDK's tables in the connection's current schema when they are absent and validates
 * them when present: {@code dtx_branch} (one row per branch), {@code dtx_undo_log} (one row per
 * committed local transaction of a branch, its {@code record} the {@link
 * io.zabtx.participant.undo.ImageCodec} bytes) and {@code dtx_lock} (one row per row a branch
 * wrote, keyed by table and {@link RowKeys canonical primary key}).
 *
 * <p>Idempotent and safe when several processes start at once: on PostgreSQL the DDL runs in one
 * transaction under an advisory lock; on H2 {@code CREATE ... IF NOT EXISTS} is atomic, and a
 * creation that loses a race is followed by validation.
 */
public final class DtxSchema {
  private static final Logger log = LoggerFactory.getLogger(DtxSchema.class);

  /** Arbitrary constant: the advisory lock that serializes concurrent schema creation. */
  private static final long PG_SCHEMA_LOCK = 0x7A61_6274_7853_4348L;

  /** One SDK table: its columns and primary key, in creation order. */
  record TableDef(String name, List<String[]> columns, List<String> primaryKey) {
    String ddl(Dialect d) {
      StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(name).append(" (");
      for (String[] col : columns) {
        sb.append(col[0]).append(' ').append(col[1].replace("%BINARY%", d.binaryType()));
        sb.append(" NOT NULL, ");
      }
      return sb.append("PRIMARY KEY (")
          .append(String.join(", ", primaryKey))
          .append("))")
          .toString();
    }
  }

  static final TableDef BRANCH =
      new TableDef(
          "dtx_branch",
          List.of(
              new String[] {"xid", "VARCHAR(128)"},
              new String[] {"branch_id", "INT"},
              new String[] {"protocol", "VARCHAR(16)"},
              new String[] {"state", "VARCHAR(32)"},
              new String[] {"deadline_ms", "BIGINT"},
              new String[] {"updated_ms", "BIGINT"}),
          List.of("xid", "branch_id"));

  static final TableDef UNDO_LOG =
      new TableDef(
          "dtx_undo_log",
          List.of(
              new String[] {"xid", "VARCHAR(128)"},
              new String[] {"branch_id", "INT"},
              new String[] {"seq", "BIGINT"},
              new String[] {"record", "%BINARY%"}),
          List.of("xid", "branch_id", "seq"));

  static final TableDef LOCK =
      new TableDef(
          "dtx_lock",
          List.of(
              new String[] {"table_name", "VARCHAR(256)"},
              new String[] {"row_key", "VARCHAR(" + RowKeys.MAX_CHARS + ")"},
              new String[] {"xid", "VARCHAR(128)"},
              new String[] {"branch_id", "INT"}),
          List.of("table_name", "row_key"));

  static final List<TableDef> TABLES = List.of(BRANCH, UNDO_LOG, LOCK);

  private static final String LOCK_INDEX =
      "CREATE INDEX IF NOT EXISTS dtx_lock_branch ON dtx_lock (xid, branch_id)";

  private DtxSchema() {}

  /**
   * Creates the missing tables (when {@code create}) and validates all three. Leaves {@code c} in
   * the auto-commit mode it found it in.
   *
   * @throws SQLException naming the missing table or column and what to do
   */
  public static void ensure(Connection c, Dialect dialect, boolean create) throws SQLException {
    if (create && !missing(c).isEmpty()) {
      try {
        createTables(c, dialect);
      } catch (SQLException e) {
        // Another process may have created them at the same moment: valid tables are fine.
        log.debug("creating the ZabTX tables failed, validating what is there", e);
        if (!missing(c).isEmpty()) {
          throw new SQLException(
              "cannot create the ZabTX tables in schema "
                  + c.getSchema()
                  + " ("
                  + e.getMessage()
                  + "); create them with: "
                  + allDdl(dialect),
              e.getSQLState(),
              e);
        }
      }
    }
    validate(c, dialect);
  }

  private static void createTables(Connection c, Dialect dialect) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(dialect != Dialect.POSTGRESQL);
    try (Statement st = c.createStatement()) {
      if (dialect == Dialect.POSTGRESQL) {
        // PostgreSQL DDL is transactional; the lock makes concurrent starts take turns.
        st.execute("SELECT pg_advisory_xact_lock(" + PG_SCHEMA_LOCK + ")");
      }
      for (TableDef t : TABLES) {
        st.execute(t.ddl(dialect));
      }
      st.execute(LOCK_INDEX);
      if (dialect == Dialect.POSTGRESQL) {
        c.commit();
      }
      log.info("ZabTX tables ready in schema {}", c.getSchema());
    } catch (SQLException e) {
      if (!c.getAutoCommit()) {
        c.rollback();
      }
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  private static List<String> missing(Connection c) throws SQLException {
    List<String> missing = new ArrayList<>();
    for (TableDef t : TABLES) {
      if (columns(c, t.name()).isEmpty()) {
        missing.add(t.name());
      }
    }
    return missing;
  }

  private static void validate(Connection c, Dialect dialect) throws SQLException {
    for (TableDef t : TABLES) {
      List<String> have = columns(c, t.name());
      if (have.isEmpty()) {
        throw new SQLException(
            "ZabTX table "
                + t.name()
                + " is missing in schema "
                + c.getSchema()
                + ": create it with ["
                + t.ddl(dialect)
                + "] or let the SDK create its tables",
            "42P01");
      }
      for (String[] col : t.columns()) {
        if (!have.contains(col[0])) {
          throw new SQLException(
              "ZabTX table "
                  + t.name()
                  + " in schema "
                  + c.getSchema()
                  + " has no column "
                  + col[0]
                  + " (found "
                  + have
                  + "): it is not the SDK's table or an old version; drop or rename it so the SDK"
                  + " can create it as ["
                  + t.ddl(dialect)
                  + "]",
              "42703");
        }
      }
      List<String> pk = primaryKey(c, t.name());
      if (!pk.equals(t.primaryKey())) {
        throw new SQLException(
            "ZabTX table "
                + t.name()
                + " in schema "
                + c.getSchema()
                + " has primary key "
                + pk
                + ", expected "
                + t.primaryKey()
                + ": drop or rename it so the SDK can create it as ["
                + t.ddl(dialect)
                + "]",
            "42P16");
      }
    }
  }

  /** Lower-case column names of {@code table} in the current schema; empty when it is absent. */
  private static List<String> columns(Connection c, String table) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    List<String> cols = new ArrayList<>();
    try (ResultSet rs = md.getColumns(c.getCatalog(), c.getSchema(), stored(md, table), null)) {
      while (rs.next()) {
        cols.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
      }
    }
    return cols;
  }

  private static List<String> primaryKey(Connection c, String table) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    TreeMap<Integer, String> keys = new TreeMap<>();
    try (ResultSet rs = md.getPrimaryKeys(c.getCatalog(), c.getSchema(), stored(md, table))) {
      while (rs.next()) {
        keys.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
      }
    }
    return new ArrayList<>(keys.values());
  }

  /** How the database stores the unquoted identifier {@code name}. */
  private static String stored(DatabaseMetaData md, String name) throws SQLException {
    return md.storesUpperCaseIdentifiers() ? name.toUpperCase(Locale.ROOT) : name;
  }

  private static String allDdl(Dialect d) {
    StringBuilder sb = new StringBuilder();
    for (TableDef t : TABLES) {
      sb.append(t.ddl(d)).append("; ");
    }
    return sb.append(LOCK_INDEX).toString();
  }
}
