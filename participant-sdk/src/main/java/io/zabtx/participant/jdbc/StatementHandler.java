package io.zabtx.participant.jdbc;

import io.zabtx.participant.context.DtxContext;
import io.zabtx.participant.undo.UndoRefusedException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetProvider;

/**
 * The wrapper's {@link Statement}, {@link PreparedStatement} and {@link
 * java.sql.CallableStatement}: records parameters and batches, hands every execution to {@link
 * WriteInterceptor}, and keeps the generated keys it had to read so that the application still gets
 * them. A CallableStatement refuses to execute under an xid.
 */
final class StatementHandler implements InvocationHandler {
  private final Statement real;
  private final ConnectionHandler ch;

  /** The prepared SQL, or null for a plain Statement. */
  private final String sql;

  private final boolean callable;
  private final boolean preparedWithKeys;

  /** Parameter index to the setter call that set it (replayed per batch entry). */
  private final Map<Integer, Setter> params = new TreeMap<>();

  private final List<String> batchSqls = new ArrayList<>();
  private final List<Map<Integer, Setter>> batchParams = new ArrayList<>();
  private boolean executingWithKeys;
  private CachedRowSet cachedKeys;

  private record Setter(Method method, Object[] args) {
    Object value() {
      return method.getName().equals("setNull") ? null : args[1];
    }
  }

  private StatementHandler(
      Statement real, ConnectionHandler ch, String sql, boolean callable, boolean keys) {
    this.real = real;
    this.ch = ch;
    this.sql = sql;
    this.callable = callable;
    this.preparedWithKeys = keys;
  }

  static <T extends Statement> T wrap(
      Class<T> type, T real, ConnectionHandler ch, String sql, boolean keysRequested) {
    StatementHandler h =
        new StatementHandler(
            real, ch, sql, type == java.sql.CallableStatement.class, keysRequested);
    return type.cast(
        Proxy.newProxyInstance(StatementHandler.class.getClassLoader(), new Class<?>[] {type}, h));
  }

  @Override
  public Object invoke(Object self, Method m, Object[] args) throws Throwable {
    try {
      return dispatch(self, m, args);
    } catch (UndoRefusedException e) {
      ch.writes.stats().refused();
      throw e;
    }
  }

  private Object dispatch(Object self, Method m, Object[] args) throws Throwable {
    String name = m.getName();
    int argc = args == null ? 0 : args.length;
    switch (name) {
      case "equals":
        return self == args[0];
      case "hashCode":
        return System.identityHashCode(self);
      case "toString":
        return "DtxStatement[" + real + "]";
      case "unwrap":
        return ((Class<?>) args[0]).isInstance(self) ? self : real.unwrap((Class<?>) args[0]);
      case "isWrapperFor":
        return ((Class<?>) args[0]).isInstance(self) || real.isWrapperFor((Class<?>) args[0]);
      case "getConnection":
        return ch.proxy();
      case "getGeneratedKeys":
        return cachedKeys != null ? cachedKeys.createCopy() : real.getGeneratedKeys();
      default:
        break;
    }
    if (callable && name.startsWith("execute") && DtxContext.currentXid().isPresent()) {
      throw new UndoRefusedException(sql, "stored procedure calls cannot be undone");
    }
    if (sql != null
        && argc >= 2
        && name.startsWith("set")
        && m.getParameterTypes()[0] == int.class) {
      params.put((Integer) args[0], new Setter(m, args.clone()));
      return call(m, args);
    }
    switch (name) {
      case "clearParameters":
        params.clear();
        return call(m, args);
      case "addBatch":
        batchSqls.add(argc == 0 ? sql : (String) args[0]);
        batchParams.add(argc == 0 ? new TreeMap<>(params) : Map.of());
        return call(m, args);
      case "clearBatch":
        batchSqls.clear();
        batchParams.clear();
        return call(m, args);
      case "executeQuery":
        String query = argc == 0 ? sql : (String) args[0];
        if (DtxContext.currentXid().isPresent() && SqlKind.of(query) != SqlKind.READ) {
          throw new UndoRefusedException(
              query, "a write through executeQuery cannot be undone; use executeUpdate");
        }
        return call(m, args);
      case "execute", "executeUpdate", "executeLargeUpdate":
        return execute(m, args, argc);
      case "executeBatch", "executeLargeBatch":
        return executeBatch(m, args, name.equals("executeLargeBatch"));
      default:
        return call(m, args);
    }
  }

  private Object execute(Method m, Object[] args, int argc) throws Throwable {
    String text = argc == 0 ? sql : (String) args[0];
    executingWithKeys = preparedWithKeys || (argc == 2 && requestsKeys(args[1]));
    cachedKeys = null;
    return ch.writes.write(ch, this, text, values(params), () -> callSql(m, args));
  }

  private Object executeBatch(Method m, Object[] args, boolean large) throws Throwable {
    cachedKeys = null;
    List<String> sqls = List.copyOf(batchSqls);
    List<List<Object>> values = new ArrayList<>();
    List<WriteInterceptor.Exec> each = new ArrayList<>();
    for (int i = 0; i < sqls.size(); i++) {
      Map<Integer, Setter> entry = batchParams.get(i);
      values.add(values(entry));
      String text = sqls.get(i);
      each.add(
          sql == null
              ? () -> real.executeUpdate(text)
              : () -> {
                for (Setter s : entry.values()) {
                  callSql(s.method(), s.args());
                }
                return ((PreparedStatement) real).executeUpdate();
              });
    }
    try {
      Object counts = ch.writes.batch(ch, this, sqls, values, each, () -> callSql(m, args));
      if (large && counts instanceof int[] ints) {
        long[] longs = new long[ints.length];
        for (int i = 0; i < ints.length; i++) {
          longs[i] = ints[i];
        }
        return longs;
      }
      return counts;
    } finally {
      batchSqls.clear();
      batchParams.clear();
    }
  }

  /** Under an xid a batch runs entry by entry: the real statement's batch is dropped. */
  void clearRealBatch() throws SQLException {
    real.clearBatch();
  }

  /** Whether the execution under way asked the driver for generated keys. */
  boolean keysRequested() {
    return executingWithKeys;
  }

  /**
   * Reads the generated keys of the execution that just ran, keeps them for the application, and
   * returns a statement that hands a copy to {@link io.zabtx.participant.undo.ImageCapture}.
   */
  Statement generatedKeysForCapture() throws SQLException {
    CachedRowSet keys = RowSetProvider.newFactory().createCachedRowSet();
    try (ResultSet rs = real.getGeneratedKeys()) {
      if (rs != null) {
        keys.populate(rs);
      }
    }
    cachedKeys = keys;
    return (Statement)
        Proxy.newProxyInstance(
            StatementHandler.class.getClassLoader(),
            new Class<?>[] {Statement.class},
            (p, m, a) -> {
              if (m.getName().equals("getGeneratedKeys")) {
                return keys.createCopy();
              }
              throw new UnsupportedOperationException(m.getName());
            });
  }

  private static boolean requestsKeys(Object arg) {
    return arg instanceof Integer i
        ? i == Statement.RETURN_GENERATED_KEYS
        : arg instanceof int[] || arg instanceof String[];
  }

  private static List<Object> values(Map<Integer, Setter> setters) {
    int n = setters.isEmpty() ? 0 : ((TreeMap<Integer, Setter>) setters).lastKey();
    List<Object> values = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      Setter s = setters.get(i);
      values.add(s == null ? null : s.value());
    }
    return values;
  }

  private Object callSql(Method m, Object[] args) throws SQLException {
    try {
      return m.invoke(real, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SQLException s) {
        throw s;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new SQLException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private Object call(Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
