package io.zabtx.participant.client;

/** Where a global transaction stands, as the coordinator cluster knows it. */
public enum TxStatus {
  /** Begun; branches may register. Nothing decided. */
  ACTIVE,
  /** Commit requested; votes are being collected. Nothing decided. */
  PREPARING,
  /** Decided COMMIT (irrevocably); some branch has not acknowledged phase 2 yet. */
  COMMITTING,
  /** Committed, and every branch acknowledged. */
  COMMITTED,
  /** Decided ABORT; branches are being told. */
  ABORTING,
  /** Aborted. */
  ABORTED,
  /** A branch reported a unilateral outcome contradicting the decision; needs an operator. */
  HEURISTIC_MIXED,
  /** A status this SDK does not know (a newer coordinator). */
  UNKNOWN;

  /** True when the outcome is COMMIT (phase 2 may still be running). */
  public boolean isCommitted() {
    return this == COMMITTING || this == COMMITTED;
  }

  /** True when the outcome is ABORT (branches may still be rolling back). */
  public boolean isAborted() {
    return this == ABORTING || this == ABORTED;
  }
}
