package io.zabtx.participant.client;

import io.zabtx.protocol.v1.Branch;
import io.zabtx.protocol.v1.Outcome;
import io.zabtx.protocol.v1.PhaseEvent;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.Transaction;
import io.zabtx.protocol.v1.TransactionStatus;
import java.time.Instant;

/** Translates between the wire contract ({@code zabtx.v1}) and the SDK's value types. */
final class Wire {

  private Wire() {}

  static Protocol protocol(CommitProtocol p) {
    return switch (p) {
      case TWO_PHASE -> Protocol.TWO_PHASE;
      case THREE_PHASE -> Protocol.THREE_PHASE;
    };
  }

  static CommitProtocol protocol(Protocol p) {
    return switch (p) {
      case TWO_PHASE -> CommitProtocol.TWO_PHASE;
      case THREE_PHASE -> CommitProtocol.THREE_PHASE;
      default -> null;
    };
  }

  static TxStatus status(TransactionStatus s) {
    return switch (s) {
      case ACTIVE -> TxStatus.ACTIVE;
      case PREPARING -> TxStatus.PREPARING;
      case COMMITTING -> TxStatus.COMMITTING;
      case COMMITTED -> TxStatus.COMMITTED;
      case ABORTING -> TxStatus.ABORTING;
      case ABORTED -> TxStatus.ABORTED;
      case HEURISTIC_MIXED -> TxStatus.HEURISTIC_MIXED;
      default -> TxStatus.UNKNOWN;
    };
  }

  static TxOutcome outcome(Outcome o) {
    return switch (o) {
      case UNDECIDED -> TxOutcome.UNDECIDED;
      case COMMIT -> TxOutcome.COMMIT;
      case ABORT -> TxOutcome.ABORT;
      default -> TxOutcome.UNKNOWN;
    };
  }

  static BranchStatus branchState(io.zabtx.protocol.v1.BranchState s) {
    return switch (s) {
      case REGISTERED -> BranchStatus.REGISTERED;
      case VOTED_YES -> BranchStatus.VOTED_YES;
      case VOTED_NO -> BranchStatus.VOTED_NO;
      case PRECOMMITTED -> BranchStatus.PRECOMMITTED;
      case BRANCH_COMMITTED -> BranchStatus.COMMITTED;
      case BRANCH_ABORTED -> BranchStatus.ABORTED;
      case HEURISTIC_COMMIT -> BranchStatus.HEURISTIC_COMMIT;
      case HEURISTIC_ABORT -> BranchStatus.HEURISTIC_ABORT;
      case HEURISTIC_HAZARD -> BranchStatus.HEURISTIC_HAZARD;
      default -> BranchStatus.UNKNOWN;
    };
  }

  static TransactionInfo transaction(Transaction t) {
    return new TransactionInfo(
        t.getXid(),
        protocol(t.getProtocol()),
        status(t.getStatus()),
        outcome(t.getOutcome()),
        t.getName(),
        Instant.ofEpochMilli(t.getBegunUnixMs()),
        Instant.ofEpochMilli(t.getDeadlineUnixMs()),
        t.getBranchesList().stream().map(Wire::branch).toList(),
        t.getTimelineList().stream().map(Wire::event).toList(),
        t.getAbortReason(),
        t.getAnsweredBy());
  }

  private static TransactionInfo.BranchInfo branch(Branch b) {
    return new TransactionInfo.BranchInfo(
        b.getBranchId(), b.getEndpoint(), b.getResource(), branchState(b.getState()));
  }

  private static TransactionInfo.PhaseEvent event(PhaseEvent e) {
    return new TransactionInfo.PhaseEvent(
        e.getPhase(), Instant.ofEpochMilli(e.getAtUnixMs()), e.getDetail());
  }
}
