package io.zabtx.participant.undo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Undoes a branch's writes on a caller-owned connection: first checks that every row it wrote still
 * equals the last image the branch left (locking it), then restores the before images in reverse
 * order of the writes. It neither commits nor rolls back: the caller commits on success and should
 * roll back its local transaction on any exception (after a {@link HazardException} nothing has
 * been changed).
 */
public final class Rollback {
  private Rollback() {}

  /**
   * Checks and restores {@code records} (in the order the writes ran).
   *
   * @throws HazardException when a row differs from the branch's last image of it
   */
  public static void run(Connection c, List<UndoRecord> records) throws SQLException {
    String q = c.getMetaData().getIdentifierQuoteString().trim();
    // The state each touched row must be in now: the last image the branch left (null = absent).
    Map<String, RowImage> expected = new LinkedHashMap<>();
    Map<String, RowImage> identity = new LinkedHashMap<>();
    for (UndoRecord r : records) {
      List<RowImage> touched = r.kind() == WriteKind.DELETE ? r.before() : r.after();
      for (RowImage row : touched) {
        String id = row.table() + " " + row.primaryKey();
        identity.putIfAbsent(id, row);
        expected.put(id, r.kind() == WriteKind.DELETE ? null : row);
      }
    }
    for (Map.Entry<String, RowImage> e : expected.entrySet()) {
      check(c, q, identity.get(e.getKey()), e.getValue());
    }
    for (int i = records.size() - 1; i >= 0; i--) {
      restore(c, q, records.get(i));
    }
  }

  private static void check(Connection c, String q, RowImage id, RowImage want)
      throws SQLException {
    Map<String, Value> now = select(c, q, id);
    String pk = id.primaryKey().toString();
    if (want == null) {
      if (now != null) {
        throw new HazardException(id.table(), pk, "<row>", "the deleted row exists again");
      }
      return;
    }
    if (now == null) {
      throw new HazardException(id.table(), pk, "<row>", "the row was deleted by someone else");
    }
    for (Map.Entry<String, Value> col : want.columns().entrySet()) {
      Value found = now.get(col.getKey());
      if (!col.getValue().equals(found)) {
        throw new HazardException(
            id.table(), pk, col.getKey(), "expected " + col.getValue() + ", found " + found);
      }
    }
  }

  private static Map<String, Value> select(Connection c, String q, RowImage id)
      throws SQLException {
    String sql = "SELECT * FROM " + id.table() + " WHERE " + keyPredicate(q, id) + " FOR UPDATE";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bindKey(ps, 1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Value> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(
              md.getColumnLabel(i),
              ColumnIo.read(rs, i, md.getColumnType(i), md.getColumnTypeName(i), sql));
        }
        return row;
      }
    }
  }

  private static void restore(Connection c, String q, UndoRecord r) throws SQLException {
    switch (r.kind()) {
      case INSERT -> {
        for (RowImage row : r.after()) {
          exec(c, "DELETE FROM " + row.table() + " WHERE " + keyPredicate(q, row), List.of(), row);
        }
      }
      case UPDATE -> {
        for (RowImage row : r.before()) {
          List<Value> values = new ArrayList<>();
          StringBuilder set = new StringBuilder();
          for (Map.Entry<String, Value> col : row.columns().entrySet()) {
            if (!row.primaryKey().containsKey(col.getKey())) {
              set.append(set.length() == 0 ? "" : ", ")
                  .append(TableMetaCache.quote(q, col.getKey()))
                  .append(" = ?");
              values.add(col.getValue());
            }
          }
          if (!values.isEmpty()) {
            exec(
                c,
                "UPDATE " + row.table() + " SET " + set + " WHERE " + keyPredicate(q, row),
                values,
                row);
          }
        }
      }
      case DELETE -> {
        for (RowImage row : r.before()) {
          StringBuilder cols = new StringBuilder();
          StringBuilder marks = new StringBuilder();
          for (String col : row.columns().keySet()) {
            cols.append(cols.length() == 0 ? "" : ", ").append(TableMetaCache.quote(q, col));
            marks.append(marks.length() == 0 ? "?" : ", ?");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO " + row.table() + " (" + cols + ") VALUES (" + marks + ")")) {
            int i = 1;
            for (Value v : row.columns().values()) {
              ColumnIo.bind(ps, i++, v);
            }
            ps.executeUpdate();
          }
        }
      }
    }
  }

  private static void exec(Connection c, String sql, List<Value> values, RowImage key)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (Value v : values) {
        ColumnIo.bind(ps, i++, v);
      }
      bindKey(ps, i, key);
      int n = ps.executeUpdate();
      if (n != 1) {
        // The check locked every row, so this means a concurrent schema or trigger surprise.
        throw new SQLException("undo statement changed " + n + " rows instead of 1: " + sql);
      }
    }
  }

  private static String keyPredicate(String q, RowImage row) {
    StringBuilder sb = new StringBuilder();
    for (String k : row.primaryKey().keySet()) {
      sb.append(sb.length() == 0 ? "" : " AND ").append(TableMetaCache.quote(q, k)).append(" = ?");
    }
    return sb.toString();
  }

  private static void bindKey(PreparedStatement ps, int from, RowImage row) throws SQLException {
    int i = from;
    for (Value v : row.primaryKey().values()) {
      ColumnIo.bind(ps, i++, v);
    }
  }
}
