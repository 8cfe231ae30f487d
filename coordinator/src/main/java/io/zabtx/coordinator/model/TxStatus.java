package io.zabtx.coordinator.model;

/** Where a transaction stands. Same names and meaning as {@code zabtx.v1.TransactionStatus}. */
public enum TxStatus {
  /** Begun; branches may register; nothing decided. */
  ACTIVE,
  /**
   * Commit requested; phase 1 collects votes (and, once all are YES, the commit point is logged).
   */
  PREPARING,
  /** The commit point is quorum-durable; phase 2 is being delivered. Outcome: COMMIT. */
  COMMITTING,
  /** Committed and every branch acknowledged. */
  COMMITTED,
  /** Decided to abort; branches are being told. Outcome: ABORT. */
  ABORTING,
  /** Aborted (also presumed for an xid of an older epoch with no commit point). */
  ABORTED,
  /** A branch reported a unilateral outcome that contradicts the decision. */
  HEURISTIC_MIXED;

  /** The outcome this status implies. */
  public Outcome outcome() {
    return switch (this) {
      case ACTIVE, PREPARING -> Outcome.UNDECIDED;
      case COMMITTING, COMMITTED -> Outcome.COMMIT;
      case ABORTING, ABORTED -> Outcome.ABORT;
      case HEURISTIC_MIXED -> Outcome.UNDECIDED; // callers use the logged decision instead
    };
  }

  /** True once nothing more will happen to the transaction without an operator. */
  public boolean isFinal() {
    return this == COMMITTED || this == ABORTED || this == HEURISTIC_MIXED;
  }
}
