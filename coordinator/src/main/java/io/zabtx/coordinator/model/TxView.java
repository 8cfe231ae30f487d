package io.zabtx.coordinator.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A transaction as the API shows it (immutable snapshot).
 *
 * @param xid the transaction
 * @param protocol its protocol (null only for an xid known from heuristic reports alone)
 * @param status where it stands
 * @param outcome the decided outcome (kept apart from the status: a HEURISTIC_MIXED transaction
 *     still has the outcome it was decided with)
 * @param name its name
 * @param begunAtMillis the leader's clock at begin (0 if unknown)
 * @param deadlineMillis when it aborts if undecided (0 if unknown)
 * @param branches the branches with their recorded states
 * @param timeline what happened when, oldest first
 * @param abortReason why it aborted, or ""
 */
public record TxView(
    Xid xid,
    TxProtocol protocol,
    TxStatus status,
    Outcome outcome,
    String name,
    long begunAtMillis,
    long deadlineMillis,
    List<BranchView> branches,
    List<PhaseEvent> timeline,
    String abortReason) {

  public TxView {
    branches = List.copyOf(branches);
    timeline = List.copyOf(timeline);
  }

  /**
   * The view of a transaction that only the decision log knows (after a failover, or on a node that
   * did not lead it). Branch states are inferred: acknowledged once completed, otherwise the state
   * phase 2 is driving them to; a heuristic report overrides the branch it names.
   */
  public static TxView fromLog(LoggedTx t) {
    List<BranchView> branches = new ArrayList<>();
    for (BranchRef b : t.branches()) {
      BranchStatus s = t.completed() ? BranchStatus.COMMITTED : BranchStatus.VOTED_YES;
      for (HeuristicRecord h : t.heuristics()) {
        if (h.branchId() == b.branchId()) {
          s = h.kind().branchStatus();
        }
      }
      branches.add(new BranchView(b, s));
    }
    List<PhaseEvent> timeline = new ArrayList<>();
    if (t.hasCommitPoint()) {
      timeline.add(new PhaseEvent("BEGUN", t.begunAtMillis(), ""));
      timeline.add(
          new PhaseEvent(
              t.protocol() == TxProtocol.TWO_PHASE ? "DECISION_LOGGED" : "PRECOMMIT_LOGGED",
              t.decidedAtMillis(),
              ""));
      if (t.completedAtMillis() > 0) {
        timeline.add(new PhaseEvent("COMPLETED", t.completedAtMillis(), ""));
      }
    }
    for (HeuristicRecord h : t.heuristics()) {
      timeline.add(
          new PhaseEvent(
              "HEURISTIC_REPORTED",
              h.reportedAtMillis(),
              "branch " + h.branchId() + ": " + h.kind() + " " + h.detail()));
    }
    return new TxView(
        t.xid(),
        t.protocol(),
        t.status(),
        t.outcome(),
        t.name(),
        t.begunAtMillis(),
        0,
        branches,
        timeline,
        t.hasCommitPoint() ? "" : "no commit point was logged (presumed abort)");
  }
}
