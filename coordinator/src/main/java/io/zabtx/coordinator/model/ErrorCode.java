package io.zabtx.coordinator.model;

/**
 * Stable error codes of the coordinator's APIs. The REST API puts {@link #name()} in a problem's
 * {@code code} member with {@link #httpStatus()}; the gRPC API uses {@link #grpcCode()}.
 */
public enum ErrorCode {
  /** Malformed or out-of-range input; nothing changed. */
  INVALID_ARGUMENT(400, "INVALID_ARGUMENT"),
  /** No transaction with this xid was ever begun. */
  NOT_FOUND(404, "NOT_FOUND"),
  /** Commit of a transaction that is, or just became, aborted. */
  TX_ABORTED(409, "ABORTED"),
  /** Rollback of a committed transaction. */
  TX_COMMITTED(409, "FAILED_PRECONDITION"),
  /** Registration for a transaction that is no longer ACTIVE (preparing, decided, expired). */
  NOT_ACTIVE(409, "FAILED_PRECONDITION"),
  /** The transaction finished longer ago than the retention period; its outcome is not kept. */
  NO_LONGER_RETAINED(410, "OUT_OF_RANGE"),
  /**
   * A bounded resource is full (in-flight transactions, branches, phase-2 backlog); retry later.
   */
  OVERLOADED(429, "RESOURCE_EXHAUSTED"),
  /** No established leader (no quorum), or the leader cannot be reached; retry later. */
  NO_QUORUM(503, "UNAVAILABLE"),
  /**
   * The leader lost its leadership while deciding; the outcome is not known to this node. Ask again
   * (commit and rollback are idempotent): the next leader answers with the real outcome.
   */
  OUTCOME_UNKNOWN(503, "UNAVAILABLE"),
  /** This node is not the leader; the request must go to {@code leaderHint}. Internal. */
  NOT_LEADER(503, "UNAVAILABLE");

  private final int httpStatus;
  private final String grpcCode;

  ErrorCode(int httpStatus, String grpcCode) {
    this.httpStatus = httpStatus;
    this.grpcCode = grpcCode;
  }

  /** The HTTP status the REST API answers with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The name of the {@code io.grpc.Status.Code} the gRPC API answers with. */
  public String grpcCode() {
    return grpcCode;
  }
}
