package io.zabtx.participant.branch;

/** What asking the coordinator cluster for a transaction's outcome gave. */
public enum ClusterOutcome {
  /** The decision (2PC) or commit point (3PC PreCommit) is logged. */
  COMMIT,
  /** The transaction is aborted. */
  ABORT,
  /** A quorum answered, but nothing is decided yet: the cluster is alive, ask again later. */
  UNDECIDED,
  /** No node answered with a quorum behind it (unreachable, no leader, timed out). */
  UNREACHABLE
}
