package io.zabtx.participant.runtime;

import io.grpc.Status;
import io.zabtx.participant.branch.BranchProtocol;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.branch.ClusterOutcome;
import io.zabtx.participant.branch.Phase;
import io.zabtx.protocol.v1.HeuristicOutcome;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.QueryOutcomeResponse;

/** Between the wire contract ({@code zabtx.v1}) and the branch engine's terms. */
final class WireMapping {

  private WireMapping() {}

  /** The engine's protocol for a wire protocol; null for UNSPECIFIED or unknown values. */
  static BranchProtocol protocol(Protocol p) {
    return switch (p) {
      case TWO_PHASE -> BranchProtocol.TWO_PC;
      case THREE_PHASE -> BranchProtocol.THREE_PC;
      default -> null;
    };
  }

  /** The wire protocol of an engine protocol. */
  static Protocol protocol(BranchProtocol p) {
    return p == BranchProtocol.TWO_PC ? Protocol.TWO_PHASE : Protocol.THREE_PHASE;
  }

  /**
   * The wire state of a branch state, as an acknowledgement carries it (and as the coordinator's
   * gateway reads it back): a YES-voted branch is VOTED_YES, an ACTIVE one REGISTERED.
   */
  static io.zabtx.protocol.v1.BranchState branchState(BranchState s) {
    return switch (s) {
      case ACTIVE -> io.zabtx.protocol.v1.BranchState.REGISTERED;
      case PREPARED, READY -> io.zabtx.protocol.v1.BranchState.VOTED_YES;
      case PRECOMMITTED -> io.zabtx.protocol.v1.BranchState.PRECOMMITTED;
      case COMMITTED -> io.zabtx.protocol.v1.BranchState.BRANCH_COMMITTED;
      case ABORTED -> io.zabtx.protocol.v1.BranchState.BRANCH_ABORTED;
      case HEURISTIC_ABORT -> io.zabtx.protocol.v1.BranchState.HEURISTIC_ABORT;
      case HEURISTIC_COMMIT -> io.zabtx.protocol.v1.BranchState.HEURISTIC_COMMIT;
      case HEURISTIC_HAZARD -> io.zabtx.protocol.v1.BranchState.HEURISTIC_HAZARD;
    };
  }

  /** The report of a heuristic state. */
  static HeuristicOutcome heuristic(BranchState s) {
    return switch (s) {
      case HEURISTIC_ABORT -> HeuristicOutcome.ABORTED_UNILATERALLY;
      case HEURISTIC_COMMIT -> HeuristicOutcome.COMMITTED_UNILATERALLY;
      case HEURISTIC_HAZARD -> HeuristicOutcome.HAZARD;
      default -> throw new IllegalArgumentException(s + " is not a heuristic state");
    };
  }

  /**
   * What a QueryOutcome answer tells the engine. The decided outcome settles it; without one (an
   * older node), the status does: COMMITTING/COMMITTED commit, ABORTING/ABORTED abort, and a
   * HEURISTIC_MIXED transaction without an outcome is taken as undecided rather than guessed.
   */
  static ClusterOutcome outcome(QueryOutcomeResponse r) {
    switch (r.getOutcome()) {
      case COMMIT:
        return ClusterOutcome.COMMIT;
      case ABORT:
        return ClusterOutcome.ABORT;
      case UNDECIDED:
        return ClusterOutcome.UNDECIDED;
      default:
        break;
    }
    return switch (r.getStatus()) {
      case COMMITTING, COMMITTED -> ClusterOutcome.COMMIT;
      case ABORTING, ABORTED -> ClusterOutcome.ABORT;
      default -> ClusterOutcome.UNDECIDED;
    };
  }

  /**
   * What a failed QueryOutcome tells the engine. No node answered: UNREACHABLE (only this lets a
   * READY or PRECOMMITTED branch decide alone). NOT_FOUND (never begun, so never committed): ABORT,
   * the presumed-abort rule. Any other refusal came from a live cluster that cannot tell (e.g.
   * OUT_OF_RANGE: finished longer ago than its retention): UNDECIDED, so the branch keeps asking
   * and logging rather than deciding alone on a cluster that is up.
   */
  static ClusterOutcome outcome(CoordinatorCallException e) {
    if (!e.definitive()) {
      return ClusterOutcome.UNREACHABLE;
    }
    return e.code() == Status.Code.NOT_FOUND ? ClusterOutcome.ABORT : ClusterOutcome.UNDECIDED;
  }

  /** The protocol a phase message belongs to, or null if both (COMMIT, ABORT). */
  static BranchProtocol protocolOf(Phase phase) {
    return switch (phase) {
      case PREPARE -> BranchProtocol.TWO_PC;
      case CAN_COMMIT, PRE_COMMIT -> BranchProtocol.THREE_PC;
      case COMMIT, ABORT -> null;
    };
  }
}
