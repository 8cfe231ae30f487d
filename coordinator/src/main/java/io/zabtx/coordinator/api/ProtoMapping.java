package io.zabtx.coordinator.api;

import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.BranchView;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.PhaseEvent;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.TxView;
import io.zabtx.protocol.v1.Branch;
import io.zabtx.protocol.v1.BranchState;
import io.zabtx.protocol.v1.HeuristicOutcome;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.Transaction;
import io.zabtx.protocol.v1.TransactionStatus;

/** Conversions between the model's types and the wire contract's ({@code zabtx.v1}). */
public final class ProtoMapping {

  private ProtoMapping() {}

  public static Protocol toProto(TxProtocol p) {
    return p == TxProtocol.TWO_PHASE ? Protocol.TWO_PHASE : Protocol.THREE_PHASE;
  }

  /**
   * @throws IllegalArgumentException for PROTOCOL_UNSPECIFIED or an unknown number, naming the
   *     accepted values
   */
  public static TxProtocol fromProto(Protocol p) {
    return switch (p) {
      case TWO_PHASE -> TxProtocol.TWO_PHASE;
      case THREE_PHASE -> TxProtocol.THREE_PHASE;
      default ->
          throw new IllegalArgumentException(
              "protocol must be TWO_PHASE (2PC) or THREE_PHASE (3PC), got " + p);
    };
  }

  public static TransactionStatus toProto(TxStatus s) {
    return TransactionStatus.valueOf(s.name());
  }

  public static io.zabtx.protocol.v1.Outcome toProto(Outcome o) {
    return io.zabtx.protocol.v1.Outcome.valueOf(o.name());
  }

  public static BranchState toProto(BranchStatus s) {
    return switch (s) {
      case COMMITTED -> BranchState.BRANCH_COMMITTED;
      case ABORTED -> BranchState.BRANCH_ABORTED;
      default -> BranchState.valueOf(s.name());
    };
  }

  /**
   * @throws IllegalArgumentException for an unspecified or unknown outcome
   */
  public static HeuristicKind fromProto(HeuristicOutcome o) {
    return switch (o) {
      case COMMITTED_UNILATERALLY -> HeuristicKind.COMMITTED_UNILATERALLY;
      case ABORTED_UNILATERALLY -> HeuristicKind.ABORTED_UNILATERALLY;
      case HAZARD -> HeuristicKind.HAZARD;
      default ->
          throw new IllegalArgumentException(
              "heuristic outcome must be COMMITTED_UNILATERALLY, ABORTED_UNILATERALLY or HAZARD,"
                  + " got "
                  + o);
    };
  }

  /** The wire form of a transaction view, answered by node {@code answeredBy}. */
  public static Transaction toProto(TxView v, long answeredBy) {
    Transaction.Builder b =
        Transaction.newBuilder()
            .setXid(v.xid().toString())
            .setStatus(toProto(v.status()))
            .setOutcome(toProto(v.outcome()))
            .setName(v.name() == null ? "" : v.name())
            .setBegunUnixMs(v.begunAtMillis())
            .setDeadlineUnixMs(v.deadlineMillis())
            .setAbortReason(v.abortReason() == null ? "" : v.abortReason())
            .setAnsweredBy(answeredBy);
    if (v.protocol() != null) {
      b.setProtocol(toProto(v.protocol()));
    }
    for (BranchView br : v.branches()) {
      b.addBranches(
          Branch.newBuilder()
              .setBranchId(br.ref().branchId())
              .setEndpoint(br.ref().endpoint())
              .setResource(br.ref().resource())
              .setState(toProto(br.status())));
    }
    for (PhaseEvent e : v.timeline()) {
      b.addTimeline(
          io.zabtx.protocol.v1.PhaseEvent.newBuilder()
              .setPhase(e.phase())
              .setAtUnixMs(e.atMillis())
              .setDetail(e.detail() == null ? "" : e.detail()));
    }
    return b.build();
  }
}
