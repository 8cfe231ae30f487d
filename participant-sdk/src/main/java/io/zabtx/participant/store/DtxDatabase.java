package io.zabtx.participant.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The participant's own database as the SDK uses it: its dialect and durability, checked once, and
 * the SDK's tables, created or validated once ({@link #open}). Thread-safe.
 */
public final class DtxDatabase {
  private final DataSource dataSource;
  private final Dialect dialect;
  private final Durability durability;

  private DtxDatabase(DataSource dataSource, Dialect dialect, Durability durability) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.durability = durability;
  }

  /**
   * Detects the dialect, checks durability ({@link Durability}) and creates or validates the tables
   * ({@link DtxSchema}) of the database behind {@code dataSource} (the application's raw one, not
   * the SDK's wrapper).
   *
   * @param createTables whether missing tables may be created (else they must exist)
   * @throws SQLException when the database is unsupported, not durable, or its tables are wrong
   */
  public static DtxDatabase open(DataSource dataSource, boolean createTables) throws SQLException {
    Objects.requireNonNull(dataSource, "dataSource");
    try (Connection c = dataSource.getConnection()) {
      Dialect dialect = Dialect.of(c);
      Durability durability = Durability.check(c, dialect);
      DtxSchema.ensure(c, dialect, createTables);
      return new DtxDatabase(dataSource, dialect, durability);
    }
  }

  /** The raw data source. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** The database's dialect. */
  public Dialect dialect() {
    return dialect;
  }

  /** What the SDK's commits survive here. */
  public Durability durability() {
    return durability;
  }

  /** A new connection with auto-commit off, for one SDK transaction. */
  Connection begin() throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      c.setAutoCommit(false);
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  /** Commits the SDK transaction on {@code c} durably. */
  void commit(Connection c) throws SQLException {
    durability.beforeCommit(c);
    c.commit();
  }
}
