package io.zabtx.coordinator.model;

/**
 * The state of one branch as the coordinator recorded it. Same names and meaning as {@code
 * zabtx.v1.BranchState} (with the {@code BRANCH_} prefix dropped from COMMITTED and ABORTED).
 */
public enum BranchStatus {
  REGISTERED,
  VOTED_YES,
  VOTED_NO,
  PRECOMMITTED,
  COMMITTED,
  ABORTED,
  HEURISTIC_COMMIT,
  HEURISTIC_ABORT,
  HEURISTIC_HAZARD
}
