package io.zabtx.participant.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a commit of the SDK's local transactions is durable before a vote or acknowledgement
 * leaves the participant (DESIGN.md §4.1), per database:
 *
 * <table>
 *   <caption>What a committed local transaction survives</caption>
 *   <tr><th>database and setting</th><th>process crash (SIGKILL)</th><th>OS crash / power loss</th>
 *   <tr><td>H2 file, {@code WRITE_DELAY=0} (checked; set when the user may, else start fails)</td>
 *       <td>yes: the commit is written to the file (the OS page cache) before it returns</td>
 *       <td>no: H2 does not fsync per commit; up to about a second of commits may be lost</td>
 *   <tr><td>H2 file, default {@code WRITE_DELAY=500}</td><td>no (refused)</td><td>no</td>
 *   <tr><td>H2 in memory ({@code jdbc:h2:mem:})</td><td>no: nothing survives (allowed, WARN)</td>
 *       <td>no</td>
 *   <tr><td>PostgreSQL, {@code fsync=on}, {@code synchronous_commit} not off</td><td>yes</td>
 *       <td>yes, when the disk honours flushes (and {@code full_page_writes=on}, else WARN)</td>
 *   <tr><td>PostgreSQL, {@code synchronous_commit=off} by default</td>
 *       <td colspan="2">as above: the SDK runs {@code SET LOCAL synchronous_commit TO on} in each of
 *       its own transactions (a session that turns it off after the check is not noticed)</td>
 *   <tr><td>PostgreSQL, {@code fsync=off}</td><td colspan="2">refused: start fails</td>
 * </table>
 *
 * Immutable and thread-safe once checked.
 */
public final class Durability {
  private static final Logger log = LoggerFactory.getLogger(Durability.class);

  private final Dialect dialect;
  private final boolean syncCommitPerTransaction;
  private final String summary;

  private Durability(Dialect dialect, boolean syncCommitPerTransaction, String summary) {
    this.dialect = dialect;
    this.syncCommitPerTransaction = syncCommitPerTransaction;
    this.summary = summary;
  }

  /**
   * Checks (and where it may, fixes) the durability settings of the database {@code c} is on.
   *
   * @throws SQLException naming the setting and what to change when commits would not be durable
   */
  public static Durability check(Connection c, Dialect dialect) throws SQLException {
    return dialect == Dialect.H2 ? checkH2(c) : checkPostgres(c);
  }

  private static Durability checkH2(Connection c) throws SQLException {
    String url = c.getMetaData().getURL();
    if (url != null && url.toLowerCase(Locale.ROOT).contains(":mem:")) {
      log.warn(
          "ZabTX participant on an in-memory H2 database ({}): branches, undo logs and locks do"
              + " not survive a restart; use a file database in production",
          url);
      return new Durability(Dialect.H2, false, "H2 in memory: survives nothing");
    }
    long delay = h2WriteDelay(c);
    if (delay != 0) {
      try (Statement st = c.createStatement()) {
        st.execute("SET WRITE_DELAY 0");
      } catch (SQLException e) {
        throw new SQLException(
            "H2 database "
                + url
                + " has WRITE_DELAY="
                + delay
                + " ms, so a committed vote can be lost when the process dies, and this user may"
                + " not change it ("
                + e.getMessage()
                + "): add ;WRITE_DELAY=0 to the JDBC URL",
            "55000",
            e);
      }
      delay = h2WriteDelay(c);
      if (delay != 0) {
        throw new SQLException(
            "H2 database "
                + url
                + " still has WRITE_DELAY="
                + delay
                + ": add ;WRITE_DELAY=0 to"
                + " the JDBC URL",
            "55000");
      }
      log.info("H2 database {}: set WRITE_DELAY 0 so that commits survive a process crash", url);
    }
    return new Durability(
        Dialect.H2, false, "H2 file, WRITE_DELAY=0: survives a process crash, not a power loss");
  }

  private static long h2WriteDelay(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                    + " WHERE SETTING_NAME = 'WRITE_DELAY'")) {
      if (!rs.next()) {
        throw new SQLException("H2 reports no WRITE_DELAY setting: unsupported H2 version");
      }
      return Long.parseLong(rs.getString(1).trim());
    }
  }

  private static Durability checkPostgres(Connection c) throws SQLException {
    String fsync;
    String syncCommit;
    String fullPageWrites;
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT current_setting('fsync'), current_setting('synchronous_commit'),"
                    + " current_setting('full_page_writes')")) {
      rs.next();
      fsync = rs.getString(1);
      syncCommit = rs.getString(2);
      fullPageWrites = rs.getString(3);
    }
    if (!"on".equalsIgnoreCase(fsync)) {
      throw new SQLException(
          "PostgreSQL runs with fsync="
              + fsync
              + ": a committed vote or acknowledgement can be lost on an OS crash or power loss;"
              + " set fsync = on in postgresql.conf (and reload) before starting the participant",
          "55000");
    }
    if (!"on".equalsIgnoreCase(fullPageWrites)) {
      log.warn(
          "PostgreSQL runs with full_page_writes=off: a power loss can tear pages; safe only on"
              + " storage that writes pages atomically");
    }
    boolean off = "off".equalsIgnoreCase(syncCommit);
    if (off) {
      log.info(
          "PostgreSQL synchronous_commit is off by default: the ZabTX participant turns it on"
              + " in each of its own local transactions");
    }
    return new Durability(
        Dialect.POSTGRESQL,
        off,
        "PostgreSQL, fsync=on"
            + (off ? ", synchronous_commit on per SDK transaction" : "")
            + ": survives a process crash and a power loss");
  }

  /**
   * Runs in each of the SDK's local transactions before it commits (auto-commit off): on PostgreSQL
   * with {@code synchronous_commit=off} by default, turns it on for this transaction.
   */
  public void beforeCommit(Connection c) throws SQLException {
    if (syncCommitPerTransaction) {
      try (Statement st = c.createStatement()) {
        st.execute("SET LOCAL synchronous_commit TO on");
      }
    }
  }

  /** The database's dialect. */
  public Dialect dialect() {
    return dialect;
  }

  /** What a committed local transaction survives here, one line. */
  public String summary() {
    return summary;
  }

  @Override
  public String toString() {
    return summary;
  }
}
