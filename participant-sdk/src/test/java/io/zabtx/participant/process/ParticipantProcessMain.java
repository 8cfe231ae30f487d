package io.zabtx.participant.process;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.zabtx.participant.Participant;
import io.zabtx.participant.branch.BranchConfig;
import io.zabtx.participant.context.DtxContext;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A participant service as its own JVM, for the process-level fault test: an H2 file database
 * (WRITE_DELAY=0) behind the SDK, the participant gRPC endpoint, and a tiny HTTP API.
 *
 * <ul>
 *   <li>{@code POST /write?id=..&amount=..} with a {@code Dtx-Xid} header: inserts one ledger row
 *       through the SDK's DataSource under that xid (auto-commit: one local transaction).
 *   <li>{@code GET /ledger}: every ledger row, {@code id amount} per line.
 *   <li>{@code GET /branches}: every {@code dtx_branch} row, {@code xid branchId state} per line.
 * </ul>
 *
 * <p>Arguments: {@code db=<path> coordinators=<a,b,c> grpc-port=<n> http-port=<n>}. Prints {@code
 * PARTICIPANT READY} when it serves.
 */
public final class ParticipantProcessMain {

  private ParticipantProcessMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:file:" + a.get("db") + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1");
    h2.setUser("sa");
    try (Connection c = h2.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS ledger(id VARCHAR(64) PRIMARY KEY, amount DECIMAL(12,2)"
              + " NOT NULL)");
    }
    Participant participant =
        Participant.builder()
            .dataSource(h2)
            .resource("ledger-" + a.get("grpc-port"))
            .coordinators(Arrays.asList(a.get("coordinators").split(",")))
            .listen("127.0.0.1", Integer.parseInt(a.get("grpc-port")))
            .lockWait(Duration.ofSeconds(1))
            .branchConfig(new BranchConfig(10_000, 50, 500, 60_000, 600_000, 16))
            .start();
    DataSource ds = participant.dataSource();

    HttpServer http =
        HttpServer.create(
            new InetSocketAddress("127.0.0.1", Integer.parseInt(a.get("http-port"))), 64);
    http.createContext("/write", ex -> write(ex, ds));
    http.createContext("/ledger", ex -> dump(ex, h2, "SELECT id, amount FROM ledger ORDER BY id"));
    http.createContext(
        "/branches",
        ex -> dump(ex, h2, "SELECT xid, branch_id, state FROM dtx_branch ORDER BY xid"));
    http.setExecutor(Executors.newFixedThreadPool(8));
    http.start();
    System.out.println("PARTICIPANT READY");
    System.out.flush();
  }

  private static void write(HttpExchange ex, DataSource ds) throws IOException {
    Map<String, String> q = query(ex.getRequestURI());
    String xid = ex.getRequestHeaders().getFirst(DtxContext.XID_HEADER);
    try (DtxContext.Scope scope = DtxContext.bind(xid);
        Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO ledger(id, amount) VALUES (?, ?)")) {
      ps.setString(1, q.get("id"));
      ps.setBigDecimal(2, new BigDecimal(q.get("amount")));
      ps.executeUpdate();
      reply(ex, 200, "ok\n");
    } catch (SQLException | RuntimeException e) {
      reply(ex, 409, e.getMessage() + "\n");
    }
  }

  private static void dump(HttpExchange ex, DataSource ds, String sql) throws IOException {
    StringBuilder out = new StringBuilder();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          out.append(i > 1 ? " " : "").append(rs.getString(i));
        }
        out.append('\n');
      }
      reply(ex, 200, out.toString());
    } catch (SQLException e) {
      reply(ex, 500, e.getMessage() + "\n");
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new HashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        List<String> p = Arrays.asList(kv.split("=", 2));
        q.put(p.get(0), p.size() > 1 ? p.get(1) : "");
      }
    }
    return q;
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }
}
