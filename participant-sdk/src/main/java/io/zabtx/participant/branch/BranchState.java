package io.zabtx.participant.branch;

/** The states of a branch (DESIGN.md §4.1), as stored in {@code dtx_branch.state}. */
public enum BranchState {
  /** Local work committed; no vote given yet. Its deadline aborts it unilaterally. */
  ACTIVE,
  /** 2PC: voted YES. Waits for the coordinator's word; never decides alone. */
  PREPARED,
  /** 3PC: voted YES to canCommit. After its deadline plus heuristic-after it may abort alone. */
  READY,
  /** 3PC: acknowledged preCommit. After its deadline plus heuristic-after it may commit alone. */
  PRECOMMITTED,
  /** Committed: undo and lock rows deleted. */
  COMMITTED,
  /** Rolled back, or a tombstone for a branch whose work never arrived. */
  ABORTED,
  /** READY branch aborted alone when the cluster stayed silent; reported to the coordinator. */
  HEURISTIC_ABORT,
  /** PRECOMMITTED branch committed alone when the cluster stayed silent; reported. */
  HEURISTIC_COMMIT,
  /** Rollback found a row that no longer equals its after image; nothing changed; reported. */
  HEURISTIC_HAZARD;

  /** True when nothing more happens to the branch (apart from reporting a heuristic). */
  public boolean isTerminal() {
    return switch (this) {
      case ACTIVE, PREPARED, READY, PRECOMMITTED -> false;
      default -> true;
    };
  }

  /** True for the three states the participant reached on its own and must report. */
  public boolean isHeuristic() {
    return this == HEURISTIC_ABORT || this == HEURISTIC_COMMIT || this == HEURISTIC_HAZARD;
  }

  /** True when the branch has voted YES (a later phase-1 duplicate is answered YES again). */
  boolean votedYes() {
    return this == PREPARED || this == READY || this == PRECOMMITTED || this == COMMITTED;
  }
}
