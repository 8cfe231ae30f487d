package io.zabtx.coordinator.log;

import io.zabtx.coordinator.model.BranchRef;
import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionLookup;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.LogRecord;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Xid;
import io.zabtx.replication.core.Zxid;
import io.zabtx.replication.runtime.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's replicated decision log: the replication module's {@link StateMachine} over
 * {@code zabtx.log.v1} records ({@link RecordCodec}), and the {@link DecisionLookup} the engine and
 * the APIs read. Rules (docs/coordinator.md, "Transactions" and "Retention"):
 *
 * <ul>
 *   <li>A commit point ({@link DecisionRecord}, {@link PreCommitRecord}) is rejected, counted and
 *       logged if its xid's epoch is not the epoch of the entry that carries it (only a leader's
 *       own epoch is decided) or if its xid is at or below the forgotten watermark. A second commit
 *       point for an xid is ignored (counted as a duplicate). One for an xid that only heuristic
 *       reports created keeps those reports.
 *   <li>{@link CompletedRecord} stamps the completion time of each listed xid that has a commit
 *       point and is not yet completed; other xids are ignored.
 *   <li>{@link HeuristicRecord} is appended to its xid (a transaction without a commit point is
 *       created if the log holds nothing for it); an identical report (same branch and kind) is
 *       kept once; a report for a forgotten xid is ignored and counted.
 *   <li>{@link ForgetRecord} removes, in xid order, finished transactions that finished before its
 *       cut or while the log holds more than its {@code keepAtMost}, up to the first that must stay
 *       (unfinished, or finished at or after the cut with the count within the bound, or at or
 *       above its {@code onlyBelow} xid); the watermark becomes the largest xid removed.
 * </ul>
 *
 * <p>Threading: {@link #apply}, {@link #snapshot} and {@link #restore} run on the node's event
 * loop, one at a time. Every other method is safe from any thread and returns immutable values.
 *
 * <p>Memory: the state holds unfinished transactions (bounded by the engine's in-flight limits) and
 * finished ones until a Forget removes them (bounded by retention and by the Forget's {@code
 * keepAtMost}, except behind an unfinished one); {@link #size()} is its gauge.
 */
public final class DecisionLog implements StateMachine, DecisionLookup {

  private static final System.Logger LOG = System.getLogger(DecisionLog.class.getName());

  private volatile LogState state = new LogState();

  /**
   * Applies one committed entry.
   *
   * @throws MalformedRecordException if {@code data} is not a record this node can read (fatal for
   *     the node: it could no longer match its peers; a newer format version means it must be
   *     upgraded)
   * @throws IllegalStateException if entries arrive out of zxid order
   */
  @Override
  public void apply(Zxid zxid, byte[] data) {
    LogState s = state;
    if (zxid.value() <= s.lastAppliedZxid) {
      throw new IllegalStateException(
          "decision log: entry "
              + zxid
              + " arrived after entry "
              + Zxid.format(s.lastAppliedZxid)
              + "; entries must be applied in zxid order, once each");
    }
    LogRecord record;
    try {
      record = RecordCodec.decode(data);
    } catch (MalformedRecordException e) {
      throw new MalformedRecordException("entry " + zxid + ": " + e.getMessage(), e);
    }
    if (record instanceof DecisionRecord d) {
      commitPoint(
          s,
          zxid,
          TxProtocol.TWO_PHASE,
          d.xid(),
          d.branches(),
          d.decidedAtMillis(),
          d.name(),
          d.begunAtMillis());
    } else if (record instanceof PreCommitRecord p) {
      commitPoint(
          s,
          zxid,
          TxProtocol.THREE_PHASE,
          p.xid(),
          p.branches(),
          p.decidedAtMillis(),
          p.name(),
          p.begunAtMillis());
    } else if (record instanceof CompletedRecord c) {
      completed(s, c);
    } else if (record instanceof HeuristicRecord h) {
      heuristic(s, h);
    } else if (record instanceof ForgetRecord f) {
      forget(s, f);
    }
    s.lastAppliedZxid = zxid.value();
  }

  private static void commitPoint(
      LogState s,
      Zxid zxid,
      TxProtocol protocol,
      Xid xid,
      List<BranchRef> branches,
      long decidedAtMillis,
      String name,
      long begunAtMillis) {
    if (xid.epoch() != zxid.epoch()) {
      reject(s, zxid, xid, "its epoch is not the entry's epoch " + zxid.epoch());
      return;
    }
    if (s.isForgotten(xid)) {
      reject(s, zxid, xid, "it is at or below the forgotten watermark " + s.watermark);
      return;
    }
    LoggedTx old = s.txs.get(xid);
    if (old != null && old.hasCommitPoint()) {
      s.duplicateCommitPoints++;
      return;
    }
    List<HeuristicRecord> reports = old == null ? List.of() : old.heuristics();
    s.put(
        old,
        new LoggedTx(xid, protocol, branches, decidedAtMillis, name, begunAtMillis, 0, reports));
  }

  private static void reject(LogState s, Zxid zxid, Xid xid, String why) {
    s.rejectedCommitPoints++;
    LOG.log(
        Level.WARNING,
        "decision log: rejected the commit point for {0} in entry {1}: {2}; state unchanged",
        xid,
        zxid,
        why);
  }

  private static void completed(LogState s, CompletedRecord c) {
    for (Xid xid : c.xids()) {
      LoggedTx old = s.txs.get(xid);
      if (old == null || !old.hasCommitPoint() || old.completedAtMillis() != 0) {
        continue; // unknown, forgotten, aborted (heuristic reports only) or already completed
      }
      s.put(
          old,
          new LoggedTx(
              xid,
              old.protocol(),
              old.branches(),
              old.decidedAtMillis(),
              old.name(),
              old.begunAtMillis(),
              c.completedAtMillis(),
              old.heuristics()));
    }
  }

  private static void heuristic(LogState s, HeuristicRecord h) {
    if (s.isForgotten(h.xid())) {
      s.ignoredHeuristics++;
      LOG.log(
          Level.INFO,
          "decision log: ignored a heuristic report for forgotten transaction {0}",
          h.xid());
      return;
    }
    LoggedTx old = s.txs.get(h.xid());
    if (old == null) {
      s.put(null, new LoggedTx(h.xid(), null, List.of(), 0, "", 0, 0, List.of(h)));
      return;
    }
    for (HeuristicRecord known : old.heuristics()) {
      if (known.branchId() == h.branchId() && known.kind() == h.kind()) {
        return; // participants repeat reports until acknowledged
      }
    }
    List<HeuristicRecord> reports = new ArrayList<>(old.heuristics());
    reports.add(h);
    s.put(
        old,
        new LoggedTx(
            old.xid(),
            old.protocol(),
            old.branches(),
            old.decidedAtMillis(),
            old.name(),
            old.begunAtMillis(),
            old.completedAtMillis(),
            reports));
  }

  /**
   * Walks in xid order and removes each finished transaction that finished before the cut or while
   * the log holds more than {@code keepAtMost} (0: no count bound); stops at the first that must
   * stay, so W never passes an unfinished transaction, whatever the count, nor reaches {@code
   * onlyBelow} (the leader's oldest transaction that may still get a commit point).
   */
  private static void forget(LogState s, ForgetRecord f) {
    long keepAtMost = f.keepAtMost() == 0 ? Long.MAX_VALUE : f.keepAtMost();
    long left = s.size();
    List<LoggedTx> cut = new ArrayList<>();
    for (LoggedTx tx : s.txs.values()) {
      if (f.onlyBelow() != null && tx.xid().compareTo(f.onlyBelow()) >= 0) {
        break; // the leader may still log a commit point here: W must stay below it
      }
      if (!LogState.finished(tx)) {
        break; // phase 2 runs: never forgotten, and W must not pass it
      }
      if (LogState.completedAtMillis(tx) >= f.completedBeforeMillis() && left <= keepAtMost) {
        break; // completed at or after the cut, and the count is within the bound
      }
      cut.add(tx);
      left--;
    }
    if (cut.isEmpty()) {
      return;
    }
    // Raise W before removing: a reader that no longer finds an xid must see it covered by W,
    // never take its absence for a presumed abort.
    s.watermark = cut.get(cut.size() - 1).xid();
    for (LoggedTx tx : cut) {
      s.remove(tx);
    }
  }

  @Override
  public LoggedTx find(Xid xid) {
    return state.txs.get(xid);
  }

  @Override
  public boolean mayBeForgotten(Xid xid) {
    return state.isForgotten(xid);
  }

  /**
   * Every transaction with a commit point and no Completed, in xid order: what a new leader must
   * drive to completion.
   */
  public List<LoggedTx> unfinished() {
    LogState s = state;
    List<LoggedTx> out = new ArrayList<>();
    for (Xid xid : s.unfinished) {
      LoggedTx tx = s.txs.get(xid);
      if (tx != null && tx.hasCommitPoint() && !tx.completed()) { // skip a concurrent change
        out.add(tx);
      }
    }
    return out;
  }

  /**
   * A page of logged transactions, newest xid first.
   *
   * @param statusOrNull only transactions in this status, or all if null
   * @param offset how many matching transactions to skip (≥ 0)
   * @param limit at most this many (≥ 0)
   * @throws IllegalArgumentException if {@code offset} or {@code limit} is negative
   */
  public List<LoggedTx> list(TxStatus statusOrNull, int offset, int limit) {
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException(
          "offset and limit must not be negative, got offset=" + offset + " limit=" + limit);
    }
    List<LoggedTx> out = new ArrayList<>(Math.min(limit, 1024));
    int skipped = 0;
    for (LoggedTx tx : state.txs.descendingMap().values()) {
      if (out.size() >= limit) {
        break;
      }
      if (statusOrNull != null && tx.status() != statusOrNull) {
        continue;
      }
      if (skipped < offset) {
        skipped++;
      } else {
        out.add(tx);
      }
    }
    return out;
  }

  /** How many logged transactions are in {@code statusOrNull} (all of them if null). */
  public long count(TxStatus statusOrNull) {
    LogState s = state;
    return statusOrNull == null ? s.size() : s.count(statusOrNull);
  }

  /** How many transactions the log holds: the gauge of its memory. */
  @Override
  public int size() {
    return state.size();
  }

  /** The largest forgotten xid, or null while nothing was forgotten. */
  public Xid watermark() {
    return state.watermark;
  }

  /** Commit points rejected for the wrong epoch or a forgotten xid. */
  public long rejectedCommitPoints() {
    return state.rejectedCommitPoints;
  }

  /** Commit points ignored because their xid already had one. */
  public long duplicateCommitPoints() {
    return state.duplicateCommitPoints;
  }

  /** Heuristic reports ignored because their xid was forgotten. */
  public long ignoredHeuristics() {
    return state.ignoredHeuristics;
  }

  /** The zxid of the last entry applied, or {@link Zxid#ZERO} before any. */
  public Zxid lastAppliedZxid() {
    return new Zxid(state.lastAppliedZxid);
  }

  /** Writes every logged transaction, the watermark and the counters ({@link SnapshotCodec}). */
  @Override
  public void snapshot(OutputStream out) throws IOException {
    SnapshotCodec.write(state, out);
  }

  /**
   * Replaces the whole state with the snapshot in {@code in}; an empty stream is the empty state.
   *
   * @throws IOException if the snapshot is corrupt or of a newer format (the state is unchanged)
   */
  @Override
  public void restore(InputStream in) throws IOException {
    state = SnapshotCodec.read(in);
  }

  /** Every logged transaction in xid order (for tests and diagnostics). */
  List<LoggedTx> all() {
    return List.copyOf(state.txs.values());
  }
}
