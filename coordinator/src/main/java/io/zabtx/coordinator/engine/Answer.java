package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Xid;

/** The result of a request to the engine. */
public sealed interface Answer {

  /** {@link TxEngine#begin} succeeded. */
  record Begun(Xid xid, TxProtocol protocol, long deadlineMillis) implements Answer {}

  /** {@link TxEngine#registerBranch} succeeded. */
  record Registered(int branchId, TxProtocol protocol, long deadlineMillis) implements Answer {}

  /**
   * Where a transaction stands: the answer to commit (COMMITTING, COMMITTED, HEURISTIC_MIXED),
   * rollback (ABORTING, ABORTED) and queryOutcome (any status).
   */
  record Status(Xid xid, TxStatus status, Outcome outcome) implements Answer {}

  /** {@link TxEngine#reportHeuristic} was recorded. */
  record HeuristicRecorded(Outcome decided, boolean mixed) implements Answer {}

  /** The request failed; nothing changed unless the code says the outcome is unknown. */
  record Failure(ErrorCode code, String message, long retryAfterMillis) implements Answer {

    public Failure(ErrorCode code, String message) {
      this(code, message, 0);
    }
  }
}
