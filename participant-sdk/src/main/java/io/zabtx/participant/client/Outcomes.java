package io.zabtx.participant.client;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The exceptions {@link DtxClient} throws, with their text: what happened and what to do. Kept in
 * one place so one situation always reads the same way.
 */
final class Outcomes {

  private Outcomes() {}

  /** A coordinator gave a final answer (no retry helps). */
  static DtxException refused(Operation op, String xid, CallFailure f, Throwable cause) {
    if (op == Operation.COMMIT && f.code() == DtxErrorCode.TX_ABORTED) {
      return new GlobalTransactionAbortedException(
          xid, f.message() + "; none of its work is committed", cause);
    }
    return new DtxException(f.code(), xid, op.describe(xid) + " refused: " + f.message(), cause);
  }

  /** Every attempt failed with a transient error. */
  static DtxException exhausted(
      Operation op,
      String xid,
      int attempts,
      List<String> addresses,
      Map<CoordinatorAddress, CallFailure> lastByAddress,
      Throwable cause) {
    boolean allUnreachable =
        lastByAddress.values().stream().allMatch(f -> f.code() == DtxErrorCode.UNREACHABLE);
    DtxErrorCode code;
    String advice;
    if (op == Operation.COMMIT) {
      code = DtxErrorCode.OUTCOME_UNKNOWN;
      advice =
          "The outcome is unknown: the transaction commits only if its commit point was logged,"
              + " else it aborts at its deadline. Ask status("
              + xid
              + ") once a coordinator answers; commit is idempotent, calling it again is safe.";
    } else if (allUnreachable) {
      code = DtxErrorCode.UNREACHABLE;
      advice =
          "Check that the coordinators run and that these are their gRPC addresses (host:port).";
    } else {
      code =
          lastByAddress.values().stream()
              .map(CallFailure::code)
              .filter(c -> c != DtxErrorCode.UNREACHABLE)
              .reduce((a, b) -> b)
              .orElse(DtxErrorCode.UNREACHABLE);
      advice =
          code == DtxErrorCode.OVERLOADED
              ? "The coordinators are overloaded; retry later."
              : "No coordinator leader is established (is a quorum of nodes running?); retry later.";
    }
    if (op == Operation.ROLLBACK) {
      advice +=
          " The transaction still aborts at its deadline unless it committed; rollback is"
              + " idempotent.";
    }
    String errors =
        lastByAddress.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue().code() + " (" + e.getValue().message() + ")")
            .collect(Collectors.joining("; "));
    return new DtxException(
        code,
        xid,
        op.describe(xid)
            + " failed after "
            + attempts
            + " attempts over coordinators "
            + addresses
            + ": "
            + errors
            + ". "
            + advice,
        cause);
  }
}
