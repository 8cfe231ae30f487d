package io.zabtx.participant.jdbc;

import io.zabtx.participant.store.DtxDatabase;
import io.zabtx.participant.store.LockTable;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The SDK's {@link DataSource}: wraps the application's own (pooled or not) and makes every write
 * through it take part in the global transaction bound to the thread ({@link
 * io.zabtx.participant.context.DtxContext}).
 *
 * <p><b>Under an xid</b>, each INSERT/UPDATE/DELETE ({@code Statement} and {@code
 * PreparedStatement}, batches and multi-row INSERTs included) is analyzed first; a statement the
 * SDK cannot undo (no primary key, joins, several tables, DDL, a primary key change, a stored
 * procedure call) fails with an {@link io.zabtx.participant.undo.UndoRefusedException} naming it
 * and the reason, and nothing runs. Otherwise the first write of a local transaction enlists the
 * branch ({@link BranchGate#enlist}); the rows' before images are read and locked, the rows locked
 * in {@code dtx_lock} (waiting at most the lock wait for another global transaction, then a {@link
 * io.zabtx.participant.store.LockConflictException}), the statement runs, the after images are
 * read. {@code commit()} adds the undo records and the ACTIVE branch row to the same local
 * transaction, commits it durably, then calls {@link BranchGate#workCommitted}; {@code rollback()}
 * discards them and calls {@link BranchGate#workRolledBack}. In auto-commit mode each write is such
 * a local transaction of its own. A write that failed after it ran leaves the local transaction
 * able only to roll back ({@code commit()} rolls back and throws).
 *
 * <p><b>Without an xid</b> reads pass through; an UPDATE/DELETE first locks its target rows in the
 * database ({@code SELECT ... FOR UPDATE}), then waits (bounded) until no global transaction holds
 * them; an INSERT with given keys checks its new rows the same way and is undone (savepoint) if one
 * is held. Statements the SDK cannot analyze (no primary key, joins, DDL) are not checked.
 *
 * <p>While it waits for locks the wrapper bounds the database's own lock waits to the lock wait:
 * PostgreSQL {@code SET LOCAL lock_timeout} (until the local transaction ends), H2 the session's
 * {@code LOCK_TIMEOUT} (restored when the connection is closed).
 *
 * <p>{@code unwrap}/{@code isWrapperFor} reach the wrapped objects; {@code close()} closes (returns
 * to its pool) the real connection, rolling back a local transaction left open. Thread-safe.
 */
public final class DtxDataSource implements DataSource {
  /** The default lock wait. */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(2);

  private final DataSource raw;
  private final DtxDatabase db;
  private final String resource;
  private final WriteInterceptor writes;

  /**
   * Wraps {@code raw}: checks its database (dialect, durability) and creates or validates the SDK's
   * tables.
   *
   * @param raw the application's data source
   * @param gate the participant runtime's side of enlisting
   * @param resourceName names this database in messages and logs
   * @param lockWait how long a write waits for a row another global transaction holds
   * @throws SQLException when the database is unsupported, not durable, or its tables are wrong
   */
  public DtxDataSource(DataSource raw, BranchGate gate, String resourceName, Duration lockWait)
      throws SQLException {
    this(DtxDatabase.open(raw, true), gate, resourceName, lockWait, Clock.systemUTC());
  }

  /** Wraps the data source of an already opened {@code db}, stamping rows from {@code clock}. */
  public DtxDataSource(
      DtxDatabase db, BranchGate gate, String resourceName, Duration lockWait, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.raw = db.dataSource();
    this.resource = Objects.requireNonNull(resourceName, "resourceName");
    this.writes =
        new WriteInterceptor(
            db,
            Objects.requireNonNull(gate, "gate"),
            resourceName,
            new LockTable(db.dialect(), lockWait),
            clock);
  }

  /** The participant's database (for the branch store). */
  public DtxDatabase database() {
    return db;
  }

  /** Live counters of this wrapper: statement plans, row-lock waits, refused statements. */
  public WrapperStats stats() {
    return writes.stats();
  }

  /** The resource name given at construction. */
  public String resourceName() {
    return resource;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return ConnectionHandler.wrap(raw.getConnection(), writes);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return ConnectionHandler.wrap(raw.getConnection(username, password), writes);
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : raw.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || iface.isInstance(raw) || raw.isWrapperFor(iface);
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return raw.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    raw.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    raw.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return raw.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return raw.getParentLogger();
  }

  @Override
  public String toString() {
    return "DtxDataSource[" + resource + ", " + db.durability() + "]";
  }
}
