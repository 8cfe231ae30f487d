package io.zabtx.participant.client;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The global transaction a {@link GlobalTransactionTemplate} callback (or a
 * {@code @GlobalTransactional} method) runs in: its xid and its rollback-only mark.
 *
 * <p>{@link #setRollbackOnly()} makes the transaction roll back instead of committing when the work
 * returns normally, for example in a fallback that swallowed an exception. Scopes that joined the
 * same transaction on this thread share the mark. Use {@link #current()} where the handle was not
 * passed in.
 *
 * <p>Thread-safe; {@link #current()} is per thread, like the xid binding.
 */
public final class GlobalTransaction {

  private static final ThreadLocal<GlobalTransaction> CURRENT = new ThreadLocal<>();

  private final String xid;
  private final boolean begunHere;
  private final boolean originLocal;
  private final AtomicBoolean rollbackOnly;

  private GlobalTransaction(
      String xid, boolean begunHere, boolean originLocal, AtomicBoolean rollbackOnly) {
    this.xid = xid;
    this.begunHere = begunHere;
    this.originLocal = originLocal;
    this.rollbackOnly = rollbackOnly;
  }

  /** A transaction this thread's template began (and will commit or roll back). */
  static GlobalTransaction begun(String xid) {
    return new GlobalTransaction(xid, true, true, new AtomicBoolean());
  }

  /** An xid bound by an incoming call: begun, and finished, by another service. */
  static GlobalTransaction joinedRemote(String xid) {
    return new GlobalTransaction(xid, false, false, new AtomicBoolean());
  }

  /** A nested scope of this transaction on the same thread: shares the mark. */
  GlobalTransaction joined() {
    return new GlobalTransaction(xid, false, originLocal, rollbackOnly);
  }

  /** The xid, {@code <epoch>-<counter>}. */
  public String xid() {
    return xid;
  }

  /** True when this scope began the transaction; false when it joined one already bound. */
  public boolean isNew() {
    return begunHere;
  }

  /**
   * True when the transaction was begun by a template on this thread; false when it was joined from
   * an xid bound by an incoming call (its originator commits it).
   */
  boolean originLocal() {
    return originLocal;
  }

  /**
   * Marks the transaction so that it rolls back instead of committing. In a transaction joined from
   * an incoming call, the joining scope asks the coordinator to roll it back when it ends, so the
   * originator's commit then fails with {@link GlobalTransactionAbortedException}.
   */
  public void setRollbackOnly() {
    rollbackOnly.set(true);
  }

  public boolean isRollbackOnly() {
    return rollbackOnly.get();
  }

  /**
   * The global transaction of the innermost template scope running on this thread.
   *
   * @throws IllegalStateException outside of any
   */
  public static GlobalTransaction current() {
    GlobalTransaction tx = CURRENT.get();
    if (tx == null) {
      throw new IllegalStateException(
          "no global transaction runs on this thread: call this inside"
              + " GlobalTransactionTemplate.execute or a @GlobalTransactional method (an xid bound"
              + " only by an incoming call has no handle here)");
    }
    return tx;
  }

  /** Like {@link #current()}, empty outside of any template scope. */
  public static Optional<GlobalTransaction> currentIfAny() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Makes {@code tx} current until the scope closes, then restores the previous one. */
  static Scope open(GlobalTransaction tx) {
    GlobalTransaction previous = CURRENT.get();
    CURRENT.set(tx);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /** Restores the previous current transaction; never throws. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  @Override
  public String toString() {
    return "GlobalTransaction[" + xid + (begunHere ? "" : ", joined") + "]";
  }
}
