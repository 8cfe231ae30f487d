package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.engine.Answer.HeuristicRecorded;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.DecisionLookup;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.Xid;
import java.util.ArrayList;
import java.util.List;

/**
 * Recording participants' heuristic outcomes in the log, whether a request reported it or an
 * acknowledgement carried it. A report no request waits for is proposed again until it is recorded:
 * a heuristic outcome is never silently dropped.
 */
final class Heuristics {

  private final EngineConfig config;
  private final DecisionLookup log;
  private final Proposals proposals;
  private final Counters counters;
  private final TxTable table;

  /** Reports carried by acknowledgements whose proposal failed, for the next tick. */
  private final List<Pending.Heuristic> retries = new ArrayList<>();

  Heuristics(
      EngineConfig config,
      DecisionLookup log,
      Proposals proposals,
      Counters counters,
      TxTable table) {
    this.config = config;
    this.log = log;
    this.proposals = proposals;
    this.counters = counters;
    this.table = table;
  }

  /** The heuristic outcome a reported branch status stands for, or null for none. */
  static HeuristicKind kindOf(BranchStatus s) {
    if (s == null) {
      return null;
    }
    return switch (s) {
      case HEURISTIC_COMMIT -> HeuristicKind.COMMITTED_UNILATERALLY;
      case HEURISTIC_ABORT -> HeuristicKind.ABORTED_UNILATERALLY;
      case HEURISTIC_HAZARD -> HeuristicKind.HAZARD;
      default -> null;
    };
  }

  /** Proposes a report that request {@code requestId} waits for. */
  void propose(
      long requestId,
      Xid xid,
      int branchId,
      HeuristicKind kind,
      String detail,
      long now,
      Effects out) {
    propose(new Pending.Heuristic(xid, branchId, kind, detail, requestId), now, out);
  }

  /** Proposes a report carried by the acknowledgement of {@code phase}. */
  void proposeAcked(Xid xid, int branchId, HeuristicKind kind, Phase phase, long now, Effects out) {
    propose(
        new Pending.Heuristic(
            xid,
            branchId,
            kind,
            "reported with the " + phase + " acknowledgement",
            Pending.Heuristic.NO_REQUEST),
        now,
        out);
  }

  private void propose(Pending.Heuristic h, long now, Effects out) {
    proposals.propose(
        h, new HeuristicRecord(h.xid(), h.branchId(), h.kind(), h.detail(), now), out);
  }

  /** The report is recorded: the transaction may now be HEURISTIC_MIXED. */
  void durable(Pending.Heuristic h, long now, Effects out) {
    counters.heuristicRecorded();
    Tx tx = table.get(h.xid());
    Outcome decided;
    boolean mixed;
    if (tx != null) {
      tx.addHeuristic(h.kind(), h.branchId());
      tx.event(
          "HEURISTIC_REPORTED", now, "branch " + h.branchId() + ": " + h.kind() + " " + h.detail());
      counters.countMixed(tx);
      decided = tx.outcome();
      mixed = tx.mixed();
    } else {
      LoggedTx t = log.find(h.xid());
      decided = t == null ? Outcome.ABORT : t.outcome();
      mixed = t == null ? h.kind().contradicts(Outcome.ABORT) : t.mixed();
      if (mixed && (t == null || t.heuristics().size() <= 1)) {
        counters.mixedInLog(); // the first contradicting report makes it mixed
      }
    }
    if (h.hasRequest()) {
      out.reply(h.requestId(), new HeuristicRecorded(decided, mixed));
    }
  }

  /** The report could not be recorded ({@code mayBeLogged}: perhaps it was). */
  void failed(Pending.Heuristic h, boolean mayBeLogged, String why, Effects out) {
    if (!h.hasRequest()) {
      retries.add(h); // no one to tell: never drop a heuristic report
    } else if (mayBeLogged) {
      out.reply(h.requestId(), Failures.heuristicMayBeLogged());
    } else {
      out.reply(h.requestId(), Failures.heuristicNotRecorded(why, config));
    }
  }

  /** Proposes again every report whose proposal failed. */
  void retry(long now, Effects out) {
    if (!retries.isEmpty()) {
      List<Pending.Heuristic> retry = List.copyOf(retries);
      retries.clear();
      retry.forEach(h -> propose(h, now, out));
    }
  }

  void clear() {
    retries.clear();
  }
}
