package io.zabtx.participant.cluster;

import io.zabtx.participant.Participant;
import io.zabtx.participant.branch.BranchConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * One participant service for the in-JVM cluster tests: an H2 file database with accounts 1..3 at
 * 100.00, and the SDK's {@link Participant} on a fixed loopback port, so that it can be stopped (as
 * a crash: its endpoint and runtime go away, its database stays) and started again on the same
 * endpoint and data.
 */
final class Bank implements AutoCloseable {

  final String name;
  private final JdbcDataSource raw = new JdbcDataSource();
  private final List<String> coordinators;
  private final int port;
  private final BranchConfig config;
  private Participant participant;

  Bank(String name, Path dir, List<String> coordinators, int port, BranchConfig config)
      throws SQLException {
    this.name = name;
    this.coordinators = coordinators;
    this.port = port;
    this.config = config;
    raw.setURL("jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=0");
    raw.setUser("sa");
    try (Connection c = raw.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE account(id INT PRIMARY KEY, balance DECIMAL(12,2) NOT NULL)");
      s.execute("INSERT INTO account VALUES (1, 100.00), (2, 100.00), (3, 100.00)");
    }
  }

  /** Starts (or restarts) the participant, with {@code blocker} on its endpoint if not null. */
  Bank start(PhaseBlocker blocker) throws SQLException {
    Participant.Builder b =
        Participant.builder()
            .dataSource(raw)
            .resource(name)
            .coordinators(coordinators)
            .listen("127.0.0.1", port)
            .lockWait(Duration.ofMillis(500))
            .branchConfig(config)
            .tick(Duration.ofMillis(20));
    if (blocker != null) {
      b.serverInterceptor(blocker);
    }
    participant = b.start();
    return this;
  }

  /** Stops the participant; its branches stay in the database for the next start. */
  void crash() {
    if (participant != null) {
      participant.close();
      participant = null;
    }
  }

  /** The SDK's DataSource to write through. */
  DataSource dataSource() {
    return participant.dataSource();
  }

  /** Adds {@code delta} to account {@code id} through the SDK (one local transaction). */
  void add(int id, String delta) throws SQLException {
    try (Connection c = dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
      ps.setBigDecimal(1, new BigDecimal(delta));
      ps.setInt(2, id);
      ps.executeUpdate();
    }
  }

  /** Balances by account id, read directly. */
  Map<Integer, BigDecimal> balances() throws SQLException {
    Map<Integer, BigDecimal> m = new TreeMap<>();
    try (Connection c = raw.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, balance FROM account")) {
      while (rs.next()) {
        m.put(rs.getInt(1), rs.getBigDecimal(2));
      }
    }
    return m;
  }

  /** The states in dtx_branch, in xid order. */
  List<String> branchStates() throws SQLException {
    return column("SELECT state FROM dtx_branch ORDER BY xid, branch_id");
  }

  /** Rows left in dtx_undo_log and dtx_lock (zero once every branch finished). */
  int leftovers() throws SQLException {
    return Integer.parseInt(column("SELECT COUNT(*) FROM dtx_undo_log").get(0))
        + Integer.parseInt(column("SELECT COUNT(*) FROM dtx_lock").get(0));
  }

  private List<String> column(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = raw.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Override
  public void close() {
    crash();
  }
}
