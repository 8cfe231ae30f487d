package io.zabtx.participant.jdbc;

import io.zabtx.participant.context.DtxContext;
import io.zabtx.participant.store.BranchWork;
import io.zabtx.participant.store.DtxDatabase;
import io.zabtx.participant.store.LockTable;
import io.zabtx.participant.undo.ImageCapture;
import io.zabtx.participant.undo.RowImage;
import io.zabtx.participant.undo.StatementAnalyzer;
import io.zabtx.participant.undo.TableMetaCache;
import io.zabtx.participant.undo.UndoRecord;
import io.zabtx.participant.undo.UndoRefusedException;
import io.zabtx.participant.undo.WriteKind;
import io.zabtx.participant.undo.WritePlan;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens around each write through the wrapper, in one place: under an xid the undo pipeline
 * (analyze, before images, row locks, execute, after images, keep the record), without one the
 * plain-write lock check; and what a commit or rollback of a local transaction adds. Shared by all
 * connections of one {@link DtxDataSource}; thread-safe.
 */
final class WriteInterceptor {
  private static final Logger log = LoggerFactory.getLogger(WriteInterceptor.class);

  private final DtxDatabase db;
  private final BranchGate gate;
  private final String resource;
  private final LockTable locks;
  private final Clock clock;
  private final StatementAnalyzer analyzer = new StatementAnalyzer(new TableMetaCache());
  private final PlanCache plans = new PlanCache(PlanCache.DEFAULT_CAPACITY);
  private final WrapperStats stats;

  WriteInterceptor(DtxDatabase db, BranchGate gate, String resource, LockTable locks, Clock clock) {
    this.db = db;
    this.gate = gate;
    this.resource = resource;
    this.locks = locks;
    this.clock = clock;
    this.stats = new WrapperStats(plans, locks);
  }

  WrapperStats stats() {
    return stats;
  }

  LockTable locks() {
    return locks;
  }

  /** Runs the real statement. */
  interface Exec {
    Object run() throws SQLException;
  }

  /** One write: {@code sql} with its {@code params} (index 0 is parameter 1). */
  Object write(
      ConnectionHandler ch, StatementHandler sh, String sql, List<Object> params, Exec exec)
      throws SQLException {
    Optional<String> xid = DtxContext.currentXid();
    SqlKind kind = SqlKind.of(sql);
    if (xid.isEmpty()) {
      return kind == SqlKind.DML ? plainWrite(ch, sql, params, exec) : exec.run();
    }
    if (kind == SqlKind.READ) {
      return exec.run();
    }
    if (kind == SqlKind.TRANSACTION_CONTROL) {
      throw new UndoRefusedException(
          sql, "transaction control in SQL text bypasses the SDK; use Connection.commit/rollback");
    }
    WritePlan plan = plan(ch.real, sql);
    if (plan.kind() == WriteKind.INSERT && !plan.insertGivesKey() && !sh.keysRequested()) {
      throw new UndoRefusedException(
          sql,
          "INSERT without primary key values needs the generated keys: prepare it with"
              + " Statement.RETURN_GENERATED_KEYS or the key column names");
    }
    return inLocalTransaction(ch, xid.get(), work -> undoable(ch, sh, work, plan, params, exec));
  }

  /** A batch of writes: each entry's {@code exec} runs it alone (under an xid) or all at once. */
  Object batch(
      ConnectionHandler ch,
      StatementHandler sh,
      List<String> sqls,
      List<List<Object>> params,
      List<Exec> each,
      Exec all)
      throws SQLException {
    Optional<String> xid = DtxContext.currentXid();
    if (xid.isEmpty()) {
      // Plain batch: check the UPDATE/DELETE rows first (the INSERT keys are new or refused by
      // the database), then run it as a batch.
      return plainBatch(ch, sqls, params, all);
    }
    WritePlan[] plans = new WritePlan[sqls.size()];
    for (int i = 0; i < plans.length; i++) {
      if (SqlKind.of(sqls.get(i)) == SqlKind.READ) {
        throw new UndoRefusedException(sqls.get(i), "a read in a batch");
      }
      plans[i] = plan(ch.real, sqls.get(i));
      if (plans[i].kind() == WriteKind.INSERT && !plans[i].insertGivesKey()) {
        throw new UndoRefusedException(
            sqls.get(i),
            "batched INSERT without primary key values: its generated keys cannot be matched to"
                + " rows; give the keys or execute the rows one by one");
      }
    }
    sh.clearRealBatch();
    Object counts =
        inLocalTransaction(
            ch,
            xid.get(),
            work -> {
              int[] n = new int[plans.length];
              for (int i = 0; i < plans.length; i++) {
                Object r = undoable(ch, sh, work, plans[i], params.get(i), each.get(i));
                n[i] = ((Number) r).intValue();
              }
              return n;
            });
    return counts;
  }

  private interface InWork {
    Object run(LocalWork work) throws SQLException;
  }

  /**
   * Runs {@code body} in the connection's local transaction of {@code xid}, enlisting on its first
   * write; in auto-commit mode the body is a local transaction of its own, committed here.
   */
  private Object inLocalTransaction(ConnectionHandler ch, String xid, InWork body)
      throws SQLException {
    Connection c = ch.real;
    boolean auto = c.getAutoCommit();
    if (auto) {
      c.setAutoCommit(false);
    }
    try {
      LocalWork work = ch.work;
      if (work == null) {
        work = new LocalWork(gate.enlist(xid));
        ch.work = work;
      } else if (!work.xid().equals(xid)) {
        throw new SQLException(
            "connection of "
                + resource
                + " has uncommitted work of xid "
                + work.xid()
                + "; commit or roll back before writing for xid "
                + xid,
            "25000");
      }
      Object result;
      try {
        result = body.run(work);
      } catch (SQLException | RuntimeException e) {
        if (auto) {
          rollback(ch);
        }
        throw e;
      }
      if (auto) {
        commit(ch);
      }
      return result;
    } finally {
      if (auto) {
        c.setAutoCommit(true);
      }
    }
  }

  private Object undoable(
      ConnectionHandler ch,
      StatementHandler sh,
      LocalWork work,
      WritePlan plan,
      List<Object> params,
      Exec exec)
      throws SQLException {
    Connection c = ch.real;
    if (!work.waitsBounded) {
      ch.boundWaits(locks);
      work.waitsBounded = true;
    }
    List<RowImage> before = before(c, plan, params);
    if (plan.kind() != WriteKind.INSERT) {
      locks.acquire(c, work.ticket.key(), before);
    }
    try {
      Object result = exec.run();
      Statement keys =
          plan.kind() == WriteKind.INSERT && !plan.insertGivesKey()
              ? sh.generatedKeysForCapture()
              : null;
      List<RowImage> after = ImageCapture.after(c, plan, params, before, keys);
      if (plan.kind() == WriteKind.INSERT) {
        locks.acquire(c, work.ticket.key(), after);
      }
      work.records.add(new UndoRecord(plan.kind(), before, after));
      return result;
    } catch (SQLException | RuntimeException e) {
      // It ran (or may have): without its undo record this transaction must not commit.
      if (work.poisoned == null) {
        work.poisoned = e instanceof SQLException s ? s : new SQLException(e);
      }
      throw e;
    }
  }

  private List<RowImage> before(Connection c, WritePlan plan, List<Object> params)
      throws SQLException {
    try {
      return ImageCapture.before(c, plan, params);
    } catch (SQLException e) {
      if (LockTable.isLockTimeout(e)) {
        throw locks.databaseTimeout(plan.meta().sqlName(), "(rows of [" + plan.sql() + "])", e);
      }
      throw e;
    }
  }

  private Object plainWrite(ConnectionHandler ch, String sql, List<Object> params, Exec exec)
      throws SQLException {
    WritePlan plan = plainPlan(ch.real, sql);
    if (plan == null) {
      return exec.run();
    }
    Connection c = ch.real;
    boolean auto = c.getAutoCommit();
    if (auto) {
      c.setAutoCommit(false);
    }
    Savepoint sp = null;
    try {
      ch.boundPlainWaits(locks, auto);
      Object result;
      if (plan.kind() == WriteKind.INSERT) {
        sp = auto ? null : c.setSavepoint();
        result = exec.run();
        locks.awaitUnlocked(c, ImageCapture.after(c, plan, params, List.of(), null));
      } else {
        locks.awaitUnlocked(c, before(c, plan, params));
        result = exec.run();
      }
      if (auto) {
        c.commit();
      } else if (sp != null) {
        c.releaseSavepoint(sp);
      }
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        if (auto) {
          c.rollback();
        } else if (sp != null) {
          c.rollback(sp);
        }
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      if (auto) {
        c.setAutoCommit(true);
      }
    }
  }

  private Object plainBatch(
      ConnectionHandler ch, List<String> sqls, List<List<Object>> params, Exec all)
      throws SQLException {
    Connection c = ch.real;
    boolean any = false;
    boolean auto = c.getAutoCommit();
    try {
      for (int i = 0; i < sqls.size(); i++) {
        WritePlan plan = SqlKind.of(sqls.get(i)) == SqlKind.DML ? plainPlan(c, sqls.get(i)) : null;
        if (plan == null || plan.kind() == WriteKind.INSERT) {
          continue;
        }
        if (!any && auto) {
          c.setAutoCommit(false);
        }
        if (!any) {
          ch.boundPlainWaits(locks, auto);
        }
        any = true;
        locks.awaitUnlocked(c, before(c, plan, params.get(i)));
      }
      Object counts = all.run();
      if (any && auto) {
        c.commit();
      }
      return counts;
    } catch (SQLException | RuntimeException e) {
      if (any && auto) {
        c.rollback();
      }
      throw e;
    } finally {
      if (any && auto) {
        c.setAutoCommit(true);
      }
    }
  }

  /** The plan of a plain write that needs the lock check, or null when it needs none. */
  private WritePlan plainPlan(Connection c, String sql) throws SQLException {
    WritePlan plan;
    try {
      plan = plan(c, sql);
    } catch (UndoRefusedException e) {
      // Not a write the SDK could undo, so no global transaction can hold its rows.
      log.debug("plain write not checked against row locks: {}", e.getMessage());
      return null;
    }
    // An INSERT with generated keys creates rows no global transaction can have locked.
    return plan.kind() == WriteKind.INSERT && !plan.insertGivesKey() ? null : plan;
  }

  private WritePlan plan(Connection c, String sql) throws SQLException {
    WritePlan plan = plans.get(sql);
    if (plan == null) {
      plan = analyzer.analyze(c, sql);
      plans.put(sql, plan);
    }
    return plan;
  }

  /**
   * Commits the connection's local transaction: with work under an xid, first its ACTIVE branch row
   * and undo records, durably; then tells the gate.
   */
  void commit(ConnectionHandler ch) throws SQLException {
    LocalWork work = ch.work;
    Connection c = ch.real;
    if (work == null) {
      c.commit();
      return;
    }
    if (work.poisoned != null) {
      rollback(ch);
      throw new SQLException(
          "local transaction of xid "
              + work.xid()
              + " on "
              + resource
              + " was rolled back, not committed: a write failed after it ran ("
              + work.poisoned.getMessage()
              + ")",
          "40000",
          work.poisoned);
    }
    try {
      BranchTicket t = work.ticket;
      BranchWork.record(
          c, db.dialect(), t.key(), t.protocol(), t.deadlineMillis(), work.records, clock.millis());
      db.durability().beforeCommit(c);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      rollback(ch);
      throw e;
    }
    ch.work = null;
    log.debug("{}: local work of branch {} committed", resource, work.ticket.key());
    gate.workCommitted(work.ticket);
  }

  /** Rolls the connection's local transaction back and tells the gate. */
  void rollback(ConnectionHandler ch) throws SQLException {
    LocalWork work = ch.work;
    ch.work = null;
    try {
      ch.real.rollback();
    } finally {
      if (work != null) {
        gate.workRolledBack(work.ticket);
      }
    }
  }
}
