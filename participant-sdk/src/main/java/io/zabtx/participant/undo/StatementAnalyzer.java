package io.zabtx.participant.undo;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Parses one write statement with JSqlParser into a {@link WritePlan}, or refuses it with an {@link
 * UndoRefusedException} that names the reason. Thread-safe.
 */
public final class StatementAnalyzer {
  private final TableMetaCache metas;

  /** Resolves tables through {@code metas}. */
  public StatementAnalyzer(TableMetaCache metas) {
    this.metas = metas;
  }

  /**
   * Analyzes {@code sql}; {@code connection} is only read for table metadata.
   *
   * @throws UndoRefusedException when the statement cannot be undone, with the reason
   */
  public WritePlan analyze(Connection connection, String sql) throws SQLException {
    Statement st = parse(sql);
    if (st instanceof Insert insert) {
      return insert(connection, sql, insert);
    }
    if (st instanceof Update update) {
      return update(connection, sql, update);
    }
    if (st instanceof Delete delete) {
      return delete(connection, sql, delete);
    }
    if (st instanceof Merge || st instanceof Upsert) {
      throw refuse(sql, "MERGE/UPSERT is not supported (which rows it inserts is unknown upfront)");
    }
    String type = st.getClass().getSimpleName();
    if (st instanceof net.sf.jsqlparser.statement.select.Select) {
      throw refuse(sql, "not a write statement (SELECT)");
    }
    throw refuse(sql, "DDL and other non-DML statements cannot be undone (" + type + ")");
  }

  private static Statement parse(String sql) throws UndoRefusedException {
    Statements all;
    try {
      all = CCJSqlParserUtil.parseStatements(sql);
    } catch (JSQLParserException | RuntimeException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().get();
      throw refuse(sql, "cannot parse the statement: " + msg);
    }
    if (all == null || all.size() == 0) {
      throw refuse(sql, "empty statement");
    }
    if (all.size() > 1) {
      throw refuse(sql, "multiple statements in one string (" + all.size() + ")");
    }
    return all.get(0);
  }

  private WritePlan insert(Connection c, String sql, Insert insert) throws SQLException {
    if (insert.getWithItemsList() != null && !insert.getWithItemsList().isEmpty()) {
      throw refuse(sql, "WITH clauses are not supported");
    }
    if (insert.getDuplicateUpdateSets() != null || insert.getConflictAction() != null) {
      throw refuse(sql, "upsert (ON DUPLICATE KEY / ON CONFLICT) is not supported");
    }
    if (insert.getSetUpdateSets() != null && !insert.getSetUpdateSets().isEmpty()) {
      throw refuse(sql, "INSERT ... SET is not supported");
    }
    // getValues() casts blindly in JSqlParser 5.3; look at the Select ourselves.
    if (!(insert.getSelect() instanceof Values values)) {
      throw refuse(sql, "INSERT ... SELECT is not supported (the inserted keys are unknown)");
    }
    if (insert.getColumns() == null || insert.getColumns().isEmpty()) {
      throw refuse(sql, "INSERT without an explicit column list");
    }
    Table table = insert.getTable();
    TableMeta meta = meta(c, sql, table);
    List<String> columns = new ArrayList<>();
    for (Column col : insert.getColumns()) {
      columns.add(columnName(c, meta, sql, col));
    }
    List<List<WritePlan.Source>> rows = new ArrayList<>();
    int params = 0;
    for (List<Expression> row : rows(sql, values.getExpressions(), columns.size())) {
      List<WritePlan.Source> sources = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        Expression e = row.get(i);
        String text = e.toString();
        int n = countParameters(sql, text);
        if (e instanceof JdbcParameter && n == 1) {
          sources.add(new WritePlan.Source(++params, null));
        } else if (n == 0) {
          sources.add(new WritePlan.Source(0, text));
        } else if (meta.isKey(columns.get(i))) {
          throw refuse(
              sql, "primary key column " + columns.get(i) + " is computed from parameters");
        } else {
          params += n;
          sources.add(new WritePlan.Source(0, null));
        }
      }
      rows.add(sources);
    }
    return new WritePlan(
        sql,
        WriteKind.INSERT,
        table.toString(),
        meta,
        null,
        List.of(),
        List.of(),
        columns,
        rows,
        params);
  }

  private static List<List<Expression>> rows(String sql, ExpressionList<?> list, int width)
      throws UndoRefusedException {
    List<List<Expression>> rows = new ArrayList<>();
    boolean allLists = list.stream().allMatch(e -> e instanceof ExpressionList<?>);
    if (allLists && !(width == 1 && list.size() == 1 && !isList(list.get(0), 1))) {
      for (Expression e : list) {
        rows.add(new ArrayList<>((ExpressionList<?>) e));
      }
    } else {
      rows.add(new ArrayList<>(list));
    }
    for (List<Expression> row : rows) {
      if (row.size() != width) {
        throw refuse(sql, "VALUES row has " + row.size() + " values for " + width + " columns");
      }
    }
    return rows;
  }

  private static boolean isList(Expression e, int size) {
    return e instanceof ExpressionList<?> l && l.size() == size;
  }

  private WritePlan update(Connection c, String sql, Update update) throws SQLException {
    if (update.getWithItemsList() != null && !update.getWithItemsList().isEmpty()) {
      throw refuse(sql, "WITH clauses are not supported");
    }
    if (notEmpty(update.getStartJoins())
        || notEmpty(update.getJoins())
        || update.getFromItem() != null) {
      throw refuse(sql, "joins / several tables in one UPDATE are not supported");
    }
    if (notEmpty(update.getOrderByElements()) || update.getLimit() != null) {
      throw refuse(sql, "UPDATE with ORDER BY / LIMIT is not supported");
    }
    if (update.getOutputClause() != null) {
      throw refuse(sql, "OUTPUT clauses are not supported");
    }
    Table table = update.getTable();
    TableMeta meta = meta(c, sql, table);
    List<String> set = new ArrayList<>();
    int setParams = 0;
    for (UpdateSet us : update.getUpdateSets()) {
      for (Column col : us.getColumns()) {
        String name = columnName(c, meta, sql, col);
        if (meta.isKey(name)) {
          throw refuse(sql, "UPDATE sets primary key column " + name + " (a key change)");
        }
        set.add(name);
      }
      setParams += countParameters(sql, us.getValues().toString());
    }
    return whereBased(sql, WriteKind.UPDATE, table, meta, update.getWhere(), setParams, set);
  }

  private WritePlan delete(Connection c, String sql, Delete delete) throws SQLException {
    if (delete.getWithItemsList() != null && !delete.getWithItemsList().isEmpty()) {
      throw refuse(sql, "WITH clauses are not supported");
    }
    if (notEmpty(delete.getJoins())
        || notEmpty(delete.getUsingList())
        || notEmpty(delete.getTables())) {
      throw refuse(sql, "joins / several tables in one DELETE are not supported");
    }
    if (notEmpty(delete.getOrderByElements()) || delete.getLimit() != null) {
      throw refuse(sql, "DELETE with ORDER BY / LIMIT is not supported");
    }
    if (delete.getOutputClause() != null) {
      throw refuse(sql, "OUTPUT clauses are not supported");
    }
    Table table = delete.getTable();
    TableMeta meta = meta(c, sql, table);
    return whereBased(sql, WriteKind.DELETE, table, meta, delete.getWhere(), 0, List.of());
  }

  private static WritePlan whereBased(
      String sql,
      WriteKind kind,
      Table table,
      TableMeta meta,
      Expression where,
      int before,
      List<String> set)
      throws UndoRefusedException {
    String whereText = where == null ? null : where.toString();
    int n = whereText == null ? 0 : countParameters(sql, whereText);
    List<Integer> whereParams = new ArrayList<>();
    // JDBC numbers placeholders in text order: SET's come first, then WHERE's.
    for (int i = 1; i <= n; i++) {
      whereParams.add(before + i);
    }
    return new WritePlan(
        sql,
        kind,
        table.toString(),
        meta,
        whereText,
        whereParams,
        set,
        List.of(),
        List.of(),
        before + n);
  }

  private TableMeta meta(Connection c, String sql, Table table) throws SQLException {
    if (table == null || table.getName() == null) {
      throw refuse(sql, "no target table");
    }
    String name = table.getFullyQualifiedName();
    return metas.get(c, name, sql);
  }

  private static String columnName(Connection c, TableMeta meta, String sql, Column col)
      throws SQLException {
    String raw = col.getColumnName();
    String name =
        raw.startsWith("\"") && raw.endsWith("\"") && raw.length() >= 2
            ? raw.substring(1, raw.length() - 1)
            : raw;
    for (String known : meta.columnTypes().keySet()) {
      if (known.equals(name)) {
        return known;
      }
    }
    for (String known : meta.columnTypes().keySet()) {
      if (known.toUpperCase(Locale.ROOT).equals(name.toUpperCase(Locale.ROOT))) {
        return known;
      }
    }
    throw refuse(sql, "unknown column " + raw + " of " + meta.sqlName());
  }

  /** Counts {@code ?} placeholders outside quotes; numbered or named parameters are refused. */
  static int countParameters(String sql, String text) throws UndoRefusedException {
    int n = 0;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        }
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
      } else if (ch == '?') {
        if (i + 1 < text.length() && Character.isDigit(text.charAt(i + 1))) {
          throw refuse(sql, "numbered parameters (?1) are not supported");
        }
        n++;
      } else if (ch == ':'
          && i + 1 < text.length()
          && Character.isLetter(text.charAt(i + 1))
          && (i == 0 || text.charAt(i - 1) != ':')) {
        throw refuse(sql, "named parameters (:name) are not supported");
      }
    }
    return n;
  }

  private static boolean notEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }

  private static UndoRefusedException refuse(String sql, String reason) {
    return new UndoRefusedException(sql, reason);
  }
}
