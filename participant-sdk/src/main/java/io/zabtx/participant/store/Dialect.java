package io.zabtx.participant.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/** The databases the SDK supports, and the few places where their SQL differs. */
public enum Dialect {
  H2("BLOB"),
  POSTGRESQL("BYTEA");

  private final String binaryType;

  Dialect(String binaryType) {
    this.binaryType = binaryType;
  }

  /**
   * The dialect of the database {@code c} is connected to.
   *
   * @throws SQLException naming the product when it is neither H2 nor PostgreSQL
   */
  public static Dialect of(Connection c) throws SQLException {
    return of(c.getMetaData());
  }

  /** The dialect named by {@code md.getDatabaseProductName()}. */
  public static Dialect of(DatabaseMetaData md) throws SQLException {
    String product = md.getDatabaseProductName();
    String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (p.equals("h2")) {
      return H2;
    }
    if (p.equals("postgresql")) {
      return POSTGRESQL;
    }
    throw new SQLException(
        "unsupported database " + product + ": ZabTX participant supports H2 and PostgreSQL",
        "0A000");
  }

  /** The column type of {@code dtx_undo_log.record}. */
  String binaryType() {
    return binaryType;
  }
}
