package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.Xid;

/**
 * Every failure answer the engine gives, with its text. Kept in one place so that one situation
 * always reads the same way and says what the caller should do next.
 */
final class Failures {

  private Failures() {}

  static Failure notLeader() {
    return new Failure(ErrorCode.NOT_LEADER, "this node is not the leader; ask the leader");
  }

  static Failure invalid(String message) {
    return new Failure(ErrorCode.INVALID_ARGUMENT, message);
  }

  static Failure timeoutOutOfRange(EngineConfig config, long timeoutMillis) {
    return invalid(
        "timeout must be between 1 and "
            + config.maxTimeoutMillis()
            + " ms (0 means the default, "
            + config.defaultTimeoutMillis()
            + " ms), got "
            + timeoutMillis);
  }

  static Failure nameTooLong(int chars) {
    return invalid(
        "name is "
            + chars
            + " characters long, at most "
            + TxEngine.MAX_NAME_CHARS
            + " are allowed");
  }

  /** Why an endpoint or resource name is rejected, or null if it is fine. */
  static String badBranchName(String what, String value) {
    if (value == null || value.isBlank()) {
      return what + " is required";
    }
    if (value.length() > TxEngine.MAX_BRANCH_NAME_CHARS) {
      return what + " is longer than " + TxEngine.MAX_BRANCH_NAME_CHARS + " characters";
    }
    return null;
  }

  static Failure tooManyInFlight(int inFlight, EngineConfig config) {
    return new Failure(
        ErrorCode.OVERLOADED,
        inFlight + " transactions are in flight, the most allowed; retry later",
        config.overloadRetryAfterMillis());
  }

  static Failure tooManyBranches(Tx tx, EngineConfig config) {
    return new Failure(
        ErrorCode.OVERLOADED,
        "transaction "
            + tx.xid
            + " already has "
            + tx.branches.size()
            + " branches, the most allowed per transaction",
        config.overloadRetryAfterMillis());
  }

  static Failure tooManyWaiters(Tx tx, EngineConfig config) {
    return new Failure(
        ErrorCode.OVERLOADED,
        Waiters.MAX_PER_TX + " requests already wait on transaction " + tx.xid + "; retry later",
        config.overloadRetryAfterMillis());
  }

  static Failure backlogFull(Tx tx, EngineConfig config) {
    return new Failure(
        ErrorCode.OVERLOADED,
        "the phase-2 backlog is full; transaction "
            + tx.xid
            + " stays PREPARING until its deadline, commit again later",
        config.overloadRetryAfterMillis());
  }

  static Failure aborted(Tx tx) {
    return new Failure(
        ErrorCode.TX_ABORTED, "transaction " + tx.xid + " aborted: " + tx.abortReason);
  }

  static Failure presumedAborted(Xid xid) {
    return new Failure(
        ErrorCode.TX_ABORTED,
        "transaction " + xid + " aborted: no commit point was logged (presumed abort)");
  }

  static Failure committed(Xid xid) {
    return new Failure(
        ErrorCode.TX_COMMITTED,
        "transaction "
            + xid
            + " is committed (its commit point is logged); it cannot be rolled back");
  }

  static Failure outcomeUnknown(Tx tx) {
    return new Failure(
        ErrorCode.OUTCOME_UNKNOWN,
        "leadership was lost while the commit point of "
            + tx.xid
            + " was being logged; ask again, the next leader knows the outcome");
  }

  /** A branch may not join {@code tx} any more. */
  static Failure notActive(Tx tx) {
    String why =
        switch (tx.status) {
          case PREPARING -> "is preparing (its commit was requested): no branch may join now";
          case ABORTING, ABORTED ->
              tx.abortReason.equals(Abort.DEADLINE_PASSED)
                  ? "passed its deadline and was aborted"
                  : "is aborted (" + tx.abortReason + ")";
          default -> "is already decided (" + tx.displayStatus() + ")";
        };
    return notActive(tx.xid, why);
  }

  /** A branch may not join {@code xid}, which is not in memory: {@code why} says what it is. */
  static Failure notActive(Xid xid, String why) {
    return new Failure(
        ErrorCode.NOT_ACTIVE, "transaction " + xid + " " + why + "; roll back your local work");
  }

  static Failure heuristicMayBeLogged() {
    return new Failure(
        ErrorCode.OUTCOME_UNKNOWN,
        "leadership was lost while recording the report; report it again");
  }

  static Failure heuristicNotRecorded(String why, EngineConfig config) {
    return new Failure(
        ErrorCode.OVERLOADED,
        "the report could not be recorded (" + why + "); report it again",
        config.overloadRetryAfterMillis());
  }

  /** The failure for an absent xid that is neither logged nor presumed aborted. */
  static Failure absent(Xid xid, Absent.Kind kind) {
    return switch (kind) {
      case FORGOTTEN ->
          new Failure(
              ErrorCode.NO_LONGER_RETAINED,
              "transaction "
                  + xid
                  + " finished longer ago than the retention period; its outcome is not kept");
      case NEWER_EPOCH ->
          new Failure(
              ErrorCode.NOT_LEADER,
              "transaction " + xid + " is of a newer epoch; this node no longer leads");
      default -> new Failure(ErrorCode.NOT_FOUND, "no transaction " + xid + " was ever begun");
    };
  }
}
