package io.zabtx.participant.client;

/** The atomic commitment protocol a global transaction runs, chosen when it begins. */
public enum CommitProtocol {
  /** Two-phase commit: a branch that voted YES waits for the coordinator's outcome. */
  TWO_PHASE,
  /**
   * Three-phase commit: a branch that acknowledged PreCommit may commit on its own when no quorum
   * answers for longer than its heuristic-after setting.
   */
  THREE_PHASE
}
