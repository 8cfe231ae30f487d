package io.zabtx.participant.undo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Takes the before and after images of one write on the connection that runs it, in the same local
 * transaction. Call {@link #before} just before executing the statement and {@link #after} just
 * after, with the statement's parameters (index 0 is parameter 1).
 */
public final class ImageCapture {
  private ImageCapture() {}

  /**
   * UPDATE/DELETE: the rows the statement will touch, locked ({@code SELECT * ... WHERE <where> FOR
   * UPDATE} with the WHERE parameters), in key order. INSERT: none.
   */
  public static List<RowImage> before(Connection c, WritePlan plan, List<?> params)
      throws SQLException {
    checkParams(plan, params);
    if (plan.kind() == WriteKind.INSERT) {
      return List.of();
    }
    String q = c.getMetaData().getIdentifierQuoteString().trim();
    StringBuilder sql = new StringBuilder("SELECT * FROM ").append(plan.table());
    if (plan.where() != null) {
      sql.append(" WHERE ").append(plan.where());
    }
    sql.append(" ORDER BY ");
    for (int i = 0; i < plan.meta().primaryKey().size(); i++) {
      sql.append(i == 0 ? "" : ", ")
          .append(TableMetaCache.quote(q, plan.meta().primaryKey().get(i)));
    }
    sql.append(" FOR UPDATE");
    List<RowImage> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ColumnIo.bindParams(ps, plan.whereParams(), params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(ColumnIo.readRow(rs, plan.meta(), plan.sql()));
        }
      }
    }
    return rows;
  }

  /**
   * The rows as the statement left them, selected by primary key: UPDATE the rows of {@code
   * before}; DELETE none; INSERT the inserted rows, identified by the key values the statement
   * gave, else by the generated keys of {@code executed}.
   *
   * @param executed the statement that ran (only read for generated keys of an INSERT)
   * @throws UndoRefusedException for an INSERT that gives no key values when the driver returned no
   *     generated keys
   */
  public static List<RowImage> after(
      Connection c, WritePlan plan, List<?> params, List<RowImage> before, Statement executed)
      throws SQLException {
    checkParams(plan, params);
    String q = c.getMetaData().getIdentifierQuoteString().trim();
    String select =
        "SELECT * FROM "
            + plan.meta().sqlName()
            + " WHERE "
            + ColumnIo.keyPredicate(plan.meta(), q);
    List<RowImage> rows = new ArrayList<>();
    switch (plan.kind()) {
      case DELETE -> {
        return List.of();
      }
      case UPDATE -> {
        for (RowImage b : before) {
          selectByKey(
              c,
              plan,
              select,
              b.primaryKey().values().stream().map(v -> (Object) v).toList(),
              rows);
        }
      }
      case INSERT -> {
        if (plan.insertGivesKey()) {
          insertedByGivenKeys(c, plan, params, q, rows);
        } else {
          for (List<Object> key : generatedKeys(plan, executed)) {
            selectByKey(c, plan, select, key, rows);
          }
        }
        rows.sort(KEY_ORDER);
      }
    }
    return rows;
  }

  private static void insertedByGivenKeys(
      Connection c, WritePlan plan, List<?> params, String q, List<RowImage> rows)
      throws SQLException {
    for (List<WritePlan.Source> row : plan.insertRows()) {
      StringBuilder where = new StringBuilder();
      List<Object> binds = new ArrayList<>();
      for (String k : plan.meta().primaryKey()) {
        WritePlan.Source src = row.get(indexOf(plan.insertColumns(), k));
        where.append(where.length() == 0 ? "" : " AND ").append(TableMetaCache.quote(q, k));
        if (src.parameter() > 0) {
          where.append(" = ?");
          binds.add(params.get(src.parameter() - 1));
        } else {
          where.append(" = (").append(src.expression()).append(")");
        }
      }
      selectByKey(
          c, plan, "SELECT * FROM " + plan.meta().sqlName() + " WHERE " + where, binds, rows);
    }
  }

  private static List<List<Object>> generatedKeys(WritePlan plan, Statement executed)
      throws SQLException {
    List<String> missing =
        plan.meta().primaryKey().stream()
            .filter(k -> plan.insertColumns().stream().noneMatch(k::equalsIgnoreCase))
            .toList();
    List<List<Object>> keys = new ArrayList<>();
    if (executed != null) {
      try (ResultSet rs = executed.getGeneratedKeys()) {
        while (rs != null && rs.next()) {
          List<Object> key = new ArrayList<>();
          for (String k : plan.meta().primaryKey()) {
            try {
              key.add(rs.getObject(k));
            } catch (SQLException noSuchColumn) {
              keys.clear();
              key = null;
              break;
            }
          }
          if (key == null) {
            break;
          }
          keys.add(key);
        }
      }
    }
    if (keys.size() != plan.insertRows().size()) {
      throw new UndoRefusedException(
          plan.sql(),
          "INSERT does not give primary key column(s) "
              + missing
              + " and the driver returned no generated keys for them (prepare it with the key"
              + " column names or Statement.RETURN_GENERATED_KEYS)");
    }
    return keys;
  }

  private static void selectByKey(
      Connection c, WritePlan plan, String sql, List<Object> key, List<RowImage> out)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < key.size(); i++) {
        if (key.get(i) instanceof Value v) {
          ColumnIo.bind(ps, i + 1, v);
        } else {
          ps.setObject(i + 1, key.get(i));
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(ColumnIo.readRow(rs, plan.meta(), plan.sql()));
        }
      }
    }
  }

  private static int indexOf(List<String> columns, String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).equalsIgnoreCase(column)) {
        return i;
      }
    }
    throw new IllegalStateException("no column " + column);
  }

  private static void checkParams(WritePlan plan, List<?> params) throws UndoRefusedException {
    if (params.size() != plan.parameterCount()) {
      throw new UndoRefusedException(
          plan.sql(),
          "statement has " + plan.parameterCount() + " parameters, got " + params.size());
    }
  }

  /** Orders rows by their key values (the key columns of one table have stable types). */
  static final Comparator<RowImage> KEY_ORDER =
      (a, b) -> {
        var ia = a.primaryKey().values().iterator();
        var ib = b.primaryKey().values().iterator();
        while (ia.hasNext() && ib.hasNext()) {
          int c = compare(ia.next(), ib.next());
          if (c != 0) {
            return c;
          }
        }
        return 0;
      };

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Value a, Value b) {
    if (a.value() instanceof byte[] x && b.value() instanceof byte[] y) {
      return Arrays.compare(x, y);
    }
    if (a.value() instanceof Comparable x
        && b.value() != null
        && x.getClass() == b.value().getClass()) {
      return x.compareTo(b.value());
    }
    return String.valueOf(a.value()).compareTo(String.valueOf(b.value()));
  }
}
