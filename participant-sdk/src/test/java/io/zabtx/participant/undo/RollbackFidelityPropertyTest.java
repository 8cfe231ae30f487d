package io.zabtx.participant.undo;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.participant.testing.Postgres;
import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random tables with every supported type, random rows, random INSERT/UPDATE/DELETE by key and by
 * other predicates with {@code ?} parameters; images captured, encoded and decoded, then rolled
 * back: the table must equal its earlier state value for value, on H2 and on a real PostgreSQL
 * server. Replay: -Dsdk.undo.seed=N.
 */
class RollbackFidelityPropertyTest {
  private static final int TRIALS = 40;

  /** Optional columns: name and SQL type. */
  private static final String[][] COLUMNS = {
    {"c_bool", "BOOLEAN"},
    {"c_tiny", "TINYINT"},
    {"c_small", "SMALLINT"},
    {"c_int", "INT"},
    {"c_big", "BIGINT"},
    {"c_dec", "DECIMAL(20,5)"},
    {"c_real", "REAL"},
    {"c_double", "DOUBLE PRECISION"},
    {"c_date", "DATE"},
    {"c_time", "TIME(9)"},
    {"c_ts", "TIMESTAMP(9)"},
    {"c_tstz", "TIMESTAMP(9) WITH TIME ZONE"},
    {"c_bin", "BINARY(4)"},
    {"c_varbin", "VARBINARY(64)"},
    {"c_blob", "BLOB"},
    {"c_clob", "CLOB"},
    {"c_text", "VARCHAR(400)"},
    {"c_uuid", "UUID"},
  };

  /** PostgreSQL names of the column types where they differ (it has no TINYINT, BLOB ...). */
  private static final Map<String, String> POSTGRES_TYPES =
      Map.of(
          "TINYINT", "SMALLINT",
          "DECIMAL(20,5)", "NUMERIC(20,5)",
          "TIME(9)", "TIME(6)",
          "TIMESTAMP(9)", "TIMESTAMP(6)",
          "TIMESTAMP(9) WITH TIME ZONE", "TIMESTAMP(6) WITH TIME ZONE",
          "BINARY(4)", "BYTEA",
          "VARBINARY(64)", "BYTEA",
          "BLOB", "BYTEA",
          "CLOB", "TEXT");

  @RegisterExtension static final Postgres PG = new Postgres();

  /** One per trial: each trial has its own table, and the metadata cache is per table. */
  private StatementAnalyzer analyzer;

  /** A database to run trials on: a connection per trial and the SQL name of each type. */
  private interface Target {
    Connection open(int trial) throws SQLException;

    String type(String type);
  }

  @Test
  void rollbackRestoresEveryValueExactlyOnH2() throws SQLException {
    rollbackRestoresEveryValueExactly(
        new Target() {
          @Override
          public Connection open(int trial) throws SQLException {
            return DriverManager.getConnection(
                "jdbc:h2:mem:fidelity" + trial + "_" + System.nanoTime());
          }

          @Override
          public String type(String type) {
            return type;
          }
        });
  }

  @Test
  void rollbackRestoresEveryValueExactlyOnPostgres() throws SQLException {
    DataSource db = PG.newDatabase();
    rollbackRestoresEveryValueExactly(
        new Target() {
          @Override
          public Connection open(int trial) throws SQLException {
            Connection c = db.getConnection();
            try (var st = c.createStatement()) {
              st.execute("DROP TABLE IF EXISTS t");
            }
            return c;
          }

          @Override
          public String type(String type) {
            return POSTGRES_TYPES.getOrDefault(type, type);
          }
        });
  }

  private void rollbackRestoresEveryValueExactly(Target target) throws SQLException {
    long seed = Long.getLong("sdk.undo.seed", new Random().nextLong());
    System.out.println("SEED=" + seed + " (replay with -Dsdk.undo.seed=" + seed + ")");
    Random seeds = new Random(seed);
    for (int trial = 0; trial < TRIALS; trial++) {
      long trialSeed = seeds.nextLong();
      try {
        runTrial(new Random(trialSeed), trial, target);
      } catch (AssertionError | SQLException | RuntimeException e) {
        throw new AssertionError("SEED=" + seed + " trial " + trial + ": " + e.getMessage(), e);
      }
    }
  }

  private void runTrial(Random rnd, int trial, Target target) throws SQLException {
    try (Connection c = target.open(trial)) {
      analyzer = new StatementAnalyzer(new TableMetaCache());
      boolean composite = rnd.nextBoolean();
      List<String[]> cols = new ArrayList<>();
      for (String[] col : COLUMNS) {
        if (rnd.nextInt(10) < 8) {
          cols.add(col);
        }
      }
      StringBuilder ddl = new StringBuilder("CREATE TABLE t (id BIGINT NOT NULL, ");
      if (composite) {
        ddl.append("k2 VARCHAR(3) NOT NULL, ");
      }
      ddl.append("grp INT");
      for (String[] col : cols) {
        ddl.append(", ").append(col[0]).append(' ').append(target.type(col[1]));
      }
      ddl.append(", PRIMARY KEY (").append(composite ? "k2, id" : "id").append("))");
      try (var st = c.createStatement()) {
        st.execute(ddl.toString());
      }
      c.setAutoCommit(false);
      long[] nextId = {0};
      int seedRows = rnd.nextInt(12);
      for (int i = 0; i < seedRows; i++) {
        insertRow(c, rnd, composite, cols, nextId, null);
      }
      c.commit();
      List<List<Object>> earlier = snapshot(c);

      List<UndoRecord> records = new ArrayList<>();
      int ops = 1 + rnd.nextInt(8);
      for (int i = 0; i < ops; i++) {
        records.add(randomWrite(c, rnd, composite, cols, nextId));
      }
      List<UndoRecord> decoded = ImageCodec.decode(ImageCodec.encode(records));
      assertThat(decoded).isEqualTo(records);

      Rollback.run(c, decoded);
      List<List<Object>> now = snapshot(c);
      assertSameTable(earlier, now);
      c.commit();
    }
  }

  private UndoRecord randomWrite(
      Connection c, Random rnd, boolean composite, List<String[]> cols, long[] nextId)
      throws SQLException {
    String key = composite ? "id = ? AND k2 = ?" : "id = ?";
    List<Object> params = new ArrayList<>();
    String sql;
    switch (rnd.nextInt(7)) {
      case 0 -> {
        // multi-row insert, every column a parameter
        int n = 1 + rnd.nextInt(3);
        StringBuilder s = new StringBuilder("INSERT INTO t (id, ");
        s.append(composite ? "k2, " : "").append("grp");
        for (String[] col : cols) {
          s.append(", ").append(col[0]);
        }
        s.append(") VALUES ");
        for (int r = 0; r < n; r++) {
          s.append(r == 0 ? "(" : ", (")
              .append("?, ".repeat(cols.size() + (composite ? 2 : 1)))
              .append("?)");
          params.add(nextId[0]++);
          if (composite) {
            params.add(rnd.nextBoolean() ? "a" : "b");
          }
          params.add(rnd.nextInt(4));
          for (String[] col : cols) {
            params.add(randomValue(rnd, col[1]));
          }
        }
        sql = s.toString();
      }
      case 1 -> {
        // literal key
        sql =
            "INSERT INTO t (id"
                + (composite ? ", k2" : "")
                + ", grp) VALUES ("
                + (nextId[0]++)
                + (composite ? ", 'c'" : "")
                + ", ?)";
        params.add(rnd.nextInt(4));
      }
      case 2, 3 -> {
        // update by key or by a non-key predicate
        List<String> assignments = new ArrayList<>();
        List<String[]> set = new ArrayList<>(cols);
        java.util.Collections.shuffle(set, rnd);
        set = set.subList(0, Math.min(set.size(), 1 + rnd.nextInt(3)));
        if (set.isEmpty() || rnd.nextInt(4) == 0) {
          // moves rows across the grp predicate: the after image must still be found by key
          assignments.add("grp = grp + ?");
          params.add(rnd.nextInt(3));
        }
        for (String[] col : set) {
          assignments.add(col[0] + " = ?");
          params.add(randomValue(rnd, col[1]));
        }
        String str = "UPDATE t SET " + String.join(", ", assignments);
        if (rnd.nextBoolean()) {
          sql = str + " WHERE " + key;
          addKey(rnd, composite, nextId, params);
        } else {
          sql = str + " WHERE grp = ? OR grp > ?";
          params.add(rnd.nextInt(4));
          params.add(2 + rnd.nextInt(3));
        }
      }
      case 4 -> {
        sql = "DELETE FROM t WHERE " + key;
        addKey(rnd, composite, nextId, params);
      }
      case 5 -> {
        sql = "DELETE FROM t WHERE grp = ?";
        params.add(rnd.nextInt(5));
      }
      default -> {
        return insertRow(c, rnd, composite, cols, nextId, analyzer);
      }
    }
    return run(c, sql, params);
  }

  private static void addKey(Random rnd, boolean composite, long[] nextId, List<Object> params) {
    params.add((long) rnd.nextInt((int) Math.max(1, nextId[0] + 1)));
    if (composite) {
      params.add(rnd.nextBoolean() ? "a" : "b");
    }
  }

  private UndoRecord insertRow(
      Connection c,
      Random rnd,
      boolean composite,
      List<String[]> cols,
      long[] nextId,
      StatementAnalyzer capture)
      throws SQLException {
    List<Object> params = new ArrayList<>();
    StringBuilder s =
        new StringBuilder("INSERT INTO t (id").append(composite ? ", k2" : "").append(", grp");
    params.add(nextId[0]++);
    if (composite) {
      params.add(rnd.nextBoolean() ? "a" : "b");
    }
    params.add(rnd.nextInt(4));
    for (String[] col : cols) {
      s.append(", ").append(col[0]);
      params.add(randomValue(rnd, col[1]));
    }
    s.append(") VALUES (").append("?, ".repeat(params.size() - 1)).append("?)");
    if (capture == null) {
      try (PreparedStatement ps = c.prepareStatement(s.toString())) {
        bind(ps, params);
        ps.executeUpdate();
      }
      return null;
    }
    return run(c, s.toString(), params);
  }

  private UndoRecord run(Connection c, String sql, List<Object> params) throws SQLException {
    WritePlan plan = analyzer.analyze(c, sql);
    List<RowImage> before = ImageCapture.before(c, plan, params);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      int n = ps.executeUpdate();
      List<RowImage> after = ImageCapture.after(c, plan, params, before, ps);
      switch (plan.kind()) {
        case INSERT -> assertThat(after).as(sql).hasSize(n);
        case UPDATE -> {
          assertThat(before).as(sql).hasSize(n);
          assertThat(after).as(sql).hasSize(n);
        }
        case DELETE -> assertThat(before).as(sql).hasSize(n);
      }
      return new UndoRecord(plan.kind(), before, after);
    }
  }

  private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof NullOf n) {
        ps.setNull(i + 1, n.sqlType());
      } else {
        ps.setObject(i + 1, p);
      }
    }
  }

  /** A typed NULL parameter. */
  private record NullOf(int sqlType) {}

  static Object randomValue(Random rnd, String type) {
    if (rnd.nextInt(7) == 0) {
      return new NullOf(Types.NULL);
    }
    return switch (type) {
      case "BOOLEAN" -> rnd.nextBoolean();
      case "TINYINT" -> (byte) rnd.nextInt();
      case "SMALLINT" -> (short) rnd.nextInt();
      case "INT" -> rnd.nextInt();
      case "BIGINT" -> rnd.nextLong();
      case "DECIMAL(20,5)" ->
          BigDecimal.valueOf(rnd.nextLong() % 100_000_000_000_000L, rnd.nextInt(6));
      case "REAL" -> {
        float f;
        do {
          f = Float.intBitsToFloat(rnd.nextInt());
        } while (!Float.isFinite(f) || f == 0);
        yield f;
      }
      case "DOUBLE PRECISION" -> {
        double d;
        do {
          d = Double.longBitsToDouble(rnd.nextLong());
        } while (!Double.isFinite(d) || d == 0);
        yield d;
      }
      case "DATE" ->
          LocalDate.of(1900 + rnd.nextInt(300), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28));
      case "TIME(9)" -> LocalTime.ofNanoOfDay((long) (rnd.nextDouble() * 86_400_000_000_000L));
      case "TIMESTAMP(9)" -> randomDateTime(rnd);
      case "TIMESTAMP(9) WITH TIME ZONE" ->
          OffsetDateTime.of(
              randomDateTime(rnd), ZoneOffset.ofTotalSeconds(900 * (rnd.nextInt(113) - 56)));
      case "BINARY(4)" -> bytes(rnd, 4);
      case "VARBINARY(64)" -> bytes(rnd, rnd.nextInt(65));
      case "BLOB" -> bytes(rnd, rnd.nextInt(20) == 0 ? 100_000 : rnd.nextInt(300));
      case "CLOB" -> text(rnd, rnd.nextInt(20) == 0 ? 70_000 : rnd.nextInt(200));
      case "VARCHAR(400)" -> text(rnd, rnd.nextInt(150));
      case "UUID" -> new UUID(rnd.nextLong(), rnd.nextLong());
      default -> throw new IllegalArgumentException(type);
    };
  }

  private static LocalDateTime randomDateTime(Random rnd) {
    return LocalDateTime.of(
        LocalDate.of(1900 + rnd.nextInt(300), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28)),
        LocalTime.ofNanoOfDay((long) (rnd.nextDouble() * 86_400_000_000_000L)));
  }

  private static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  private static String text(Random rnd, int n) {
    String alphabet = "abcXYZ 09'\"?;:\\é漢字ß\t\n";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(
          rnd.nextInt(50) == 0
              ? "😀"
              : String.valueOf(alphabet.charAt(rnd.nextInt(alphabet.length()))));
    }
    return sb.toString();
  }

  /** Every row of t in key order, each value read with getObject (typed for temporal types). */
  static List<List<Object>> snapshot(Connection c) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM t ORDER BY 1, 2");
        ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          Object v =
              switch ("timestamptz".equalsIgnoreCase(md.getColumnTypeName(i))
                  ? Types.TIMESTAMP_WITH_TIMEZONE
                  : md.getColumnType(i)) {
                case Types.DATE -> rs.getObject(i, LocalDate.class);
                case Types.TIME -> rs.getObject(i, LocalTime.class);
                case Types.TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
                case Types.TIMESTAMP_WITH_TIMEZONE -> rs.getObject(i, OffsetDateTime.class);
                default -> rs.getObject(i);
              };
          if (v instanceof Blob b) {
            v = b.getBytes(1, (int) b.length());
          } else if (v instanceof Clob cl) {
            v = cl.getSubString(1, (int) cl.length());
          }
          row.add(v);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** Exact equality: DECIMAL with scale, floating point by bits, bytes by content. */
  static void assertSameTable(List<List<Object>> expected, List<List<Object>> actual) {
    assertThat(actual.size()).as("row count").isEqualTo(expected.size());
    for (int r = 0; r < expected.size(); r++) {
      List<Object> e = expected.get(r);
      List<Object> a = actual.get(r);
      for (int i = 0; i < e.size(); i++) {
        Object x = e.get(i);
        Object y = a.get(i);
        boolean same =
            x == null
                ? y == null
                : x instanceof byte[] bx
                    ? y instanceof byte[] by && Arrays.equals(bx, by)
                    : x.getClass() == y.getClass() && x.equals(y); // BigDecimal/Double: scale/bits
        assertThat(same)
            .as("row %d (%s) column %d: expected %s, got %s", r, e.get(0), i + 1, x, y)
            .isTrue();
      }
    }
  }
}
