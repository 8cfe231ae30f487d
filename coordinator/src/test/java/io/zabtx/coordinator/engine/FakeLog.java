package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionLookup;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.LogRecord;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.Xid;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A decision log as a map: applies records the way DecisionLog does, minus replication. */
final class FakeLog implements DecisionLookup {

  final TreeMap<Xid, LoggedTx> txs = new TreeMap<>();
  final List<LogRecord> applied = new ArrayList<>();

  /** The forgotten watermark, or null. */
  Xid forgottenUpTo;

  @Override
  public LoggedTx find(Xid xid) {
    return txs.get(xid);
  }

  @Override
  public int size() {
    return txs.size();
  }

  @Override
  public boolean mayBeForgotten(Xid xid) {
    return forgottenUpTo != null && xid.compareTo(forgottenUpTo) <= 0;
  }

  /** Logged transactions with a commit point and no Completed: what a new leader resumes. */
  List<LoggedTx> unfinished() {
    return txs.values().stream().filter(t -> !t.completed()).toList();
  }

  void apply(LogRecord r) {
    applied.add(r);
    Xid commitPoint =
        r instanceof DecisionRecord d ? d.xid() : r instanceof PreCommitRecord p ? p.xid() : null;
    if (commitPoint != null && mayBeForgotten(commitPoint)) {
      // DecisionLog would reject it while the engine takes it as durable: a Forget went too far.
      throw new AssertionError(
          "commit point of " + commitPoint + " at or below the watermark " + forgottenUpTo);
    }
    if (r instanceof DecisionRecord d) {
      txs.put(
          d.xid(),
          new LoggedTx(
              d.xid(),
              TxProtocol.TWO_PHASE,
              d.branches(),
              d.decidedAtMillis(),
              d.name(),
              d.begunAtMillis(),
              0,
              heuristicsOf(d.xid())));
    } else if (r instanceof PreCommitRecord p) {
      txs.put(
          p.xid(),
          new LoggedTx(
              p.xid(),
              TxProtocol.THREE_PHASE,
              p.branches(),
              p.decidedAtMillis(),
              p.name(),
              p.begunAtMillis(),
              0,
              heuristicsOf(p.xid())));
    } else if (r instanceof CompletedRecord c) {
      for (Xid x : c.xids()) {
        LoggedTx t = txs.get(x);
        if (t != null && t.hasCommitPoint()) {
          txs.put(
              x,
              new LoggedTx(
                  x,
                  t.protocol(),
                  t.branches(),
                  t.decidedAtMillis(),
                  t.name(),
                  t.begunAtMillis(),
                  c.completedAtMillis(),
                  t.heuristics()));
        }
      }
    } else if (r instanceof HeuristicRecord h) {
      LoggedTx t = txs.get(h.xid());
      List<HeuristicRecord> hs = new ArrayList<>(heuristicsOf(h.xid()));
      hs.add(h);
      txs.put(
          h.xid(),
          t == null
              ? new LoggedTx(h.xid(), null, List.of(), 0, "", 0, 0, hs)
              : new LoggedTx(
                  t.xid(),
                  t.protocol(),
                  t.branches(),
                  t.decidedAtMillis(),
                  t.name(),
                  t.begunAtMillis(),
                  t.completedAtMillis(),
                  hs));
    } else if (r instanceof ForgetRecord f) {
      // Forget in xid order up to the first transaction that must stay: not completed, or
      // completed at or after the cut while the count is within keepAtMost (0: no count bound), or
      // at or above onlyBelow.
      long keep = f.keepAtMost() == 0 ? Long.MAX_VALUE : f.keepAtMost();
      while (!txs.isEmpty()) {
        LoggedTx t = txs.firstEntry().getValue();
        if (f.onlyBelow() != null && t.xid().compareTo(f.onlyBelow()) >= 0) {
          break;
        }
        if (!t.hasCommitPoint() || t.completedAtMillis() == 0) {
          break;
        }
        if (t.completedAtMillis() >= f.completedBeforeMillis() && txs.size() <= keep) {
          break;
        }
        txs.pollFirstEntry();
        forgottenUpTo = t.xid();
      }
    }
  }

  private List<HeuristicRecord> heuristicsOf(Xid xid) {
    LoggedTx t = txs.get(xid);
    return t == null ? List.of() : t.heuristics();
  }
}
