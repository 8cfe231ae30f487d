package io.zabtx.coordinator.model;

import java.util.List;

/**
 * What the decision log holds about one transaction. Immutable; a new value replaces the old one
 * when a later record changes it.
 *
 * @param xid the transaction
 * @param protocol TWO_PHASE for a {@link DecisionRecord}, THREE_PHASE for a {@link
 *     PreCommitRecord}; null when the log holds only heuristic reports (no commit point: the
 *     outcome is ABORT, presumed)
 * @param branches the branches of the commit point (empty without one)
 * @param decidedAtMillis when the commit point was decided (0 without one)
 * @param name the transaction's name ("" without a commit point)
 * @param begunAtMillis when it began (0 without a commit point)
 * @param completedAtMillis when the Completed record was proposed, or 0 while phase 2 runs
 * @param heuristics every heuristic report, in log order
 */
public record LoggedTx(
    Xid xid,
    TxProtocol protocol,
    List<BranchRef> branches,
    long decidedAtMillis,
    String name,
    long begunAtMillis,
    long completedAtMillis,
    List<HeuristicRecord> heuristics) {

  public LoggedTx {
    branches = List.copyOf(branches);
    heuristics = List.copyOf(heuristics);
  }

  /** True when a commit point is logged: the outcome is COMMIT. */
  public boolean hasCommitPoint() {
    return protocol != null;
  }

  /** The decided outcome: COMMIT with a commit point, ABORT (presumed) without. */
  public Outcome outcome() {
    return hasCommitPoint() ? Outcome.COMMIT : Outcome.ABORT;
  }

  /** True once every branch acknowledged phase 2 (always true without a commit point). */
  public boolean completed() {
    return !hasCommitPoint() || completedAtMillis > 0;
  }

  /** True when some heuristic report contradicts the outcome. */
  public boolean mixed() {
    Outcome o = outcome();
    return heuristics.stream().anyMatch(h -> h.kind().contradicts(o));
  }

  /** The status as the log alone tells it. */
  public TxStatus status() {
    if (mixed()) {
      return TxStatus.HEURISTIC_MIXED;
    }
    if (!hasCommitPoint()) {
      return TxStatus.ABORTED;
    }
    return completed() ? TxStatus.COMMITTED : TxStatus.COMMITTING;
  }
}
