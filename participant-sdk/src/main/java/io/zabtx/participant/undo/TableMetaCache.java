package io.zabtx.participant.undo;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads {@link TableMeta} from {@link DatabaseMetaData} and caches it per table name as written in
 * statements. One instance per database: the cache assumes the schema does not change while it
 * lives (a DDL change needs a new instance). Bounded: past {@link #MAX_TABLES} names (table names
 * as statements spell them) it starts over, so a stream of generated names cannot grow it without
 * limit. Thread-safe.
 */
public final class TableMetaCache {
  /** Table names remembered at most. */
  public static final int MAX_TABLES = 4096;

  private final Map<String, TableMeta> cache = new ConcurrentHashMap<>();

  /**
   * The metadata of {@code table} as written in a statement ({@code name} or {@code schema.name},
   * either part possibly double-quoted).
   *
   * @throws UndoRefusedException for {@code statement} when the table does not exist or has no
   *     primary key
   */
  public TableMeta get(Connection connection, String table, String statement) throws SQLException {
    TableMeta known = cache.get(table);
    if (known != null) {
      return known;
    }
    TableMeta loaded = load(connection, table, statement);
    if (cache.size() >= MAX_TABLES) {
      cache.clear();
    }
    cache.put(table, loaded);
    return loaded;
  }

  private static TableMeta load(Connection connection, String table, String statement)
      throws SQLException {
    DatabaseMetaData md = connection.getMetaData();
    String[] parts = splitName(table);
    // An unqualified name means the connection's current schema, as for the statement itself.
    String schema = parts.length == 2 ? normalize(md, parts[0]) : connection.getSchema();
    String name = normalize(md, parts[parts.length - 1]);
    String foundSchema = schema;
    Map<String, Integer> columns = new LinkedHashMap<>();
    try (ResultSet rs = md.getColumns(connection.getCatalog(), schema, escape(md, name), null)) {
      while (rs.next()) {
        columns.put(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"));
      }
    }
    if (columns.isEmpty()) {
      throw new UndoRefusedException(statement, "table " + table + " not found");
    }
    TreeMap<Integer, String> keys = new TreeMap<>();
    try (ResultSet rs = md.getPrimaryKeys(connection.getCatalog(), foundSchema, name)) {
      while (rs.next()) {
        keys.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
      }
    }
    if (keys.isEmpty()) {
      throw new UndoRefusedException(
          statement, "table " + table + " has no primary key, so its rows cannot be identified");
    }
    String q = md.getIdentifierQuoteString().trim();
    String sqlName = quote(q, foundSchema) + "." + quote(q, name);
    return new TableMeta(sqlName, new ArrayList<>(keys.values()), columns);
  }

  static String quote(String q, String identifier) {
    return q + identifier.replace(q, q + q) + q;
  }

  private static String[] splitName(String table) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : table.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        cur.append(c);
      } else if (c == '.' && !quoted) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    parts.add(cur.toString());
    // catalog.schema.table: keep schema and table only.
    return parts.subList(Math.max(0, parts.size() - 2), parts.size()).toArray(String[]::new);
  }

  private static String normalize(DatabaseMetaData md, String part) throws SQLException {
    String p = part.trim();
    if (p.length() >= 2 && p.startsWith("\"") && p.endsWith("\"")) {
      return p.substring(1, p.length() - 1).replace("\"\"", "\"");
    }
    if (md.storesUpperCaseIdentifiers()) {
      return p.toUpperCase(java.util.Locale.ROOT);
    }
    if (md.storesLowerCaseIdentifiers()) {
      return p.toLowerCase(java.util.Locale.ROOT);
    }
    return p;
  }

  private static String escape(DatabaseMetaData md, String pattern) throws SQLException {
    String esc = md.getSearchStringEscape();
    return pattern.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
  }
}
