package io.zabtx.participant.client;

/** The state of one branch as the coordinator recorded it. */
public enum BranchStatus {
  /** Registered; no phase message answered yet. */
  REGISTERED,
  /** Voted YES to Prepare (2PC) or CanCommit (3PC). */
  VOTED_YES,
  /** Voted NO, or failed to vote in time. */
  VOTED_NO,
  /** Acknowledged PreCommit (3PC). */
  PRECOMMITTED,
  /** Acknowledged Commit. */
  COMMITTED,
  /** Acknowledged Abort. */
  ABORTED,
  /** Reported a unilateral commit. */
  HEURISTIC_COMMIT,
  /** Reported a unilateral abort. */
  HEURISTIC_ABORT,
  /** Could not roll back because a row changed under it; needs an operator. */
  HEURISTIC_HAZARD,
  /** A state this SDK does not know (a newer coordinator). */
  UNKNOWN
}
