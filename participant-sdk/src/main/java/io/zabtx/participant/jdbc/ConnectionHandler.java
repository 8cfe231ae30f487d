package io.zabtx.participant.jdbc;

import io.zabtx.participant.context.DtxContext;
import io.zabtx.participant.store.LockTable;
import io.zabtx.participant.undo.UndoRefusedException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

/**
 * The wrapper's {@link Connection}: delegates everything to the real connection except statement
 * creation (its statements go through {@link WriteInterceptor}), commit and rollback (which add the
 * branch's rows and tell the gate), savepoints, auto-commit changes and close. Confined to one
 * thread at a time, like any JDBC connection.
 */
final class ConnectionHandler implements InvocationHandler {
  final Connection real;
  final WriteInterceptor writes;

  /** The local transaction's work under an xid, or null. */
  LocalWork work;

  private Connection proxy;

  /** H2: the session lock timeout to restore on close, or -1. */
  private int h2LockTimeout = -1;

  private boolean plainWaitsBounded;

  private ConnectionHandler(Connection real, WriteInterceptor writes) {
    this.real = real;
    this.writes = writes;
  }

  static Connection wrap(Connection real, WriteInterceptor writes) {
    ConnectionHandler h = new ConnectionHandler(real, writes);
    h.proxy =
        (Connection)
            Proxy.newProxyInstance(
                ConnectionHandler.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
    return h.proxy;
  }

  @Override
  public Object invoke(Object self, Method m, Object[] args) throws Throwable {
    try {
      return dispatch(self, m, args);
    } catch (UndoRefusedException e) {
      writes.stats().refused();
      throw e;
    }
  }

  private Object dispatch(Object self, Method m, Object[] args) throws Throwable {
    String name = m.getName();
    switch (name) {
      case "equals":
        return self == args[0];
      case "hashCode":
        return System.identityHashCode(self);
      case "toString":
        return "DtxConnection[" + real + "]";
      case "unwrap":
        return ((Class<?>) args[0]).isInstance(self) ? self : real.unwrap((Class<?>) args[0]);
      case "isWrapperFor":
        return ((Class<?>) args[0]).isInstance(self) || real.isWrapperFor((Class<?>) args[0]);
      case "createStatement":
        return StatementHandler.wrap(Statement.class, (Statement) call(m, args), this, null, false);
      case "prepareStatement":
        return StatementHandler.wrap(
            PreparedStatement.class,
            (PreparedStatement) call(m, args),
            this,
            (String) args[0],
            args.length == 2 && keysRequested(args[1]));
      case "prepareCall":
        if (DtxContext.currentXid().isPresent()) {
          throw new UndoRefusedException(
              (String) args[0], "stored procedure calls cannot be undone");
        }
        return StatementHandler.wrap(
            CallableStatement.class,
            (CallableStatement) call(m, args),
            this,
            (String) args[0],
            false);
      case "commit":
        writes.commit(this);
        plainWaitsBounded = false;
        return null;
      case "rollback":
        if (args == null) {
          writes.rollback(this);
          plainWaitsBounded = false;
        } else {
          real.rollback((Savepoint) args[0]);
          if (work != null) {
            work.rolledBackTo((Savepoint) args[0]);
          }
        }
        return null;
      case "setSavepoint":
        Savepoint sp = (Savepoint) call(m, args);
        if (work != null) {
          work.savepoint(sp);
        }
        return sp;
      case "releaseSavepoint":
        real.releaseSavepoint((Savepoint) args[0]);
        if (work != null) {
          work.released((Savepoint) args[0]);
        }
        return null;
      case "setAutoCommit":
        if ((Boolean) args[0] && !real.getAutoCommit()) {
          // JDBC: switching auto-commit on commits the transaction, so do it the wrapper's way.
          writes.commit(this);
          plainWaitsBounded = false;
        }
        real.setAutoCommit((Boolean) args[0]);
        return null;
      case "close":
        close();
        return null;
      default:
        return call(m, args);
    }
  }

  private static boolean keysRequested(Object arg) {
    return arg instanceof Integer i
        ? i == Statement.RETURN_GENERATED_KEYS
        : arg instanceof int[] || arg instanceof String[];
  }

  private void close() throws SQLException {
    if (real.isClosed()) {
      return;
    }
    try {
      if (work != null) {
        writes.rollback(this);
      }
      if (h2LockTimeout >= 0) {
        writes.locks().restoreH2LockTimeout(real, h2LockTimeout);
      }
    } finally {
      real.close();
    }
  }

  /** Bounds the database's lock waits for the local transaction under an xid (once per txn). */
  void boundWaits(LockTable locks) throws SQLException {
    int previous = locks.boundDatabaseWaits(real);
    if (h2LockTimeout < 0) {
      h2LockTimeout = previous;
    }
    plainWaitsBounded = true;
  }

  /**
   * The same for a plain write's check: once per local transaction of the application, every time
   * for a transaction of the wrapper's own ({@code ownTransaction}, auto-commit mode).
   */
  void boundPlainWaits(LockTable locks, boolean ownTransaction) throws SQLException {
    if (!plainWaitsBounded || ownTransaction) {
      boundWaits(locks);
    }
  }

  Connection proxy() {
    return proxy;
  }

  private Object call(Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
