package io.zabtx.coordinator.model;

/** A unilateral outcome a participant took or found on its own. */
public enum HeuristicKind {
  /** Committed without the coordinator's word (3PC: PRECOMMITTED past heuristic-after). */
  COMMITTED_UNILATERALLY,
  /** Aborted without the coordinator's word (3PC: READY past heuristic-after). */
  ABORTED_UNILATERALLY,
  /** Rollback refused because a row changed under the branch; nothing forced. */
  HAZARD;

  /** True when this report contradicts a transaction decided with {@code outcome}. */
  public boolean contradicts(Outcome outcome) {
    return switch (this) {
      case COMMITTED_UNILATERALLY -> outcome == Outcome.ABORT;
      case ABORTED_UNILATERALLY -> outcome == Outcome.COMMIT;
      case HAZARD -> true; // the branch's data matches neither outcome
    };
  }

  /** The branch status this report leaves the branch in. */
  public BranchStatus branchStatus() {
    return switch (this) {
      case COMMITTED_UNILATERALLY -> BranchStatus.HEURISTIC_COMMIT;
      case ABORTED_UNILATERALLY -> BranchStatus.HEURISTIC_ABORT;
      case HAZARD -> BranchStatus.HEURISTIC_HAZARD;
    };
  }
}
