package io.zabtx.participant.client;

/**
 * Stable error codes of {@link DtxException}. The coordinator's codes keep the names the
 * coordinator sends in gRPC metadata {@code zabtx-error-code} (and in the REST API's problem {@code
 * code}); the last four arise in the client itself.
 */
public enum DtxErrorCode {
  /** Malformed or out-of-range input (xid, protocol, timeout, name); nothing changed. */
  INVALID_ARGUMENT(false),
  /** No transaction with this xid was ever begun. */
  NOT_FOUND(false),
  /** Commit of a transaction that is, or just became, aborted: its work did not happen. */
  TX_ABORTED(false),
  /** Rollback of a committed transaction. */
  TX_COMMITTED(false),
  /** A branch tried to join a transaction that is no longer ACTIVE. */
  NOT_ACTIVE(false),
  /** The transaction finished longer ago than the coordinator's retention; outcome not kept. */
  NO_LONGER_RETAINED(false),
  /** The coordinator is overloaded; retried after its {@code retry-after-ms} hint. */
  OVERLOADED(true),
  /** No established coordinator leader (no quorum); retried on another address. */
  NO_QUORUM(true),
  /**
   * Leadership was lost while deciding, or a commit could not be confirmed: the outcome is not
   * known. Commit and rollback are idempotent; ask again or read {@link DtxClient#status}.
   */
  OUTCOME_UNKNOWN(true),
  /** The node asked is not the leader (normally handled by the coordinator itself). */
  NOT_LEADER(true),
  /** No coordinator address answered at the transport level (refused, unreachable, timed out). */
  UNREACHABLE(true),
  /** The calling thread was interrupted while waiting for a coordinator. */
  INTERRUPTED(false),
  /** A failure the coordinator did not explain (internal error, unknown status or code). */
  INTERNAL(false);

  private final boolean transientFailure;

  DtxErrorCode(boolean transientFailure) {
    this.transientFailure = transientFailure;
  }

  /** True when asking again later (or another coordinator) may succeed. */
  public boolean isTransient() {
    return transientFailure;
  }
}
