package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.DecisionLookup;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.TxView;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import java.util.List;

/**
 * 2PC and 3PC on a replicated decision log, as a pure state machine (docs/coordinator.md).
 *
 * <p>Only a leader's engine acts: it mints xids of its own epoch, keeps ACTIVE transactions in
 * memory, runs phase 1, proposes the commit point, answers the client once the commit point is
 * durable, drives phase 2 until every branch acknowledged, then proposes {@code Completed}. On
 * becoming leader it resumes phase 2 of every logged transaction not completed. An engine that is
 * not leading answers every request with {@code NOT_LEADER}.
 *
 * <p>Every method takes {@code now}, the injected clock in milliseconds since the Unix epoch, and
 * an {@link Effects} to which it appends commands. Threading: not thread-safe; one thread drives
 * it.
 */
public final class TxEngine {

  /**
   * @param config limits and timeouts
   * @param log read access to the replicated decision log (for xids this engine does not hold)
   */
  public TxEngine(EngineConfig config, DecisionLookup log) {
    throw new UnsupportedOperationException("not built yet");
  }

  // ---- leadership ----

  /**
   * This node became the established leader of {@code epoch}; its decision log has applied the
   * whole initial history of the epoch. Resumes phase 2 of every {@code unfinished} transaction (a
   * commit point without Completed): 2PC sends COMMIT to every branch, 3PC sends PRE_COMMIT then
   * COMMIT. From now on xids {@code epoch-1, epoch-2, ...} are minted.
   */
  public void becomeLeader(long epoch, List<LoggedTx> unfinished, long now, Effects out) {}

  /**
   * This node stopped leading. Every pending request is answered: NOT_LEADER if nothing was decided
   * for it, OUTCOME_UNKNOWN if a commit point proposal was in flight. All in-memory transactions
   * are dropped: the next leader finishes what is logged and presumes the rest aborted.
   */
  public void stepDown(long now, Effects out) {}

  /** True between {@link #becomeLeader} and {@link #stepDown}. */
  public boolean isLeader() {
    return false;
  }

  /** The epoch this engine leads, or 0. */
  public long epoch() {
    return 0;
  }

  // ---- requests (each answered exactly once with a Reply carrying requestId) ----

  /**
   * Begins a transaction. {@code timeoutMillis} 0 means the default; a value outside [1, max]
   * answers INVALID_ARGUMENT; more than {@code maxInFlight} unfinished transactions answers
   * OVERLOADED.
   */
  public void begin(
      long requestId,
      TxProtocol protocol,
      long timeoutMillis,
      String name,
      long now,
      Effects out) {}

  /**
   * Commits {@code xid}: from ACTIVE starts phase 1 (PREPARE or CAN_COMMIT to every branch in
   * parallel); the reply comes once the commit point is durable (or, with {@code
   * waitForCompletion}, once phase 2 is done), or as TX_ABORTED. Idempotent: a repeated commit
   * joins the one under way or answers from the decided state.
   */
  public void commit(long requestId, Xid xid, boolean waitForCompletion, long now, Effects out) {}

  /** Rolls back {@code xid} unless it is committed (TX_COMMITTED). Idempotent. */
  public void rollback(long requestId, Xid xid, long now, Effects out) {}

  /**
   * Registers a branch of an ACTIVE transaction. The same (endpoint, resource) again gets the same
   * branch id. NOT_ACTIVE once phase 1 started or the deadline passed; OVERLOADED beyond {@code
   * maxBranchesPerTx}.
   */
  public void registerBranch(
      long requestId, Xid xid, String endpoint, String resource, long now, Effects out) {}

  /**
   * Answers with the transaction's status and outcome: from memory, else from the log, else ABORTED
   * for an xid of an older epoch (presumed abort) or of this epoch not in memory, NOT_FOUND for one
   * never minted, NO_LONGER_RETAINED for one the log may have forgotten.
   */
  public void queryOutcome(long requestId, Xid xid, long now, Effects out) {}

  /**
   * Records a participant's unilateral outcome (a HeuristicRecord proposal); answers once it is
   * durable. ABORTED_UNILATERALLY for an undecided transaction counts as a NO vote.
   */
  public void reportHeuristic(
      long requestId,
      Xid xid,
      int branchId,
      HeuristicKind kind,
      String detail,
      long now,
      Effects out) {}

  // ---- results of commands ----

  /** A participant answered PREPARE or CAN_COMMIT. Late, duplicate or unknown votes are ignored. */
  public void voteReceived(
      Xid xid, int branchId, Vote vote, String reason, long now, Effects out) {}

  /**
   * A participant acknowledged PRE_COMMIT, COMMIT or ABORT; {@code reported} is the state it says
   * the branch is in (a HEURISTIC_* state counts as a heuristic report).
   */
  public void ackReceived(
      Xid xid, int branchId, Phase phase, BranchStatus reported, long now, Effects out) {}

  /** A Send could not be delivered (after the runtime's own retries, for phase 2). */
  public void deliveryFailed(
      Xid xid, int branchId, Phase phase, String why, long now, Effects out) {}

  /** A proposal is committed on a quorum and applied to the local decision log. */
  public void recordDurable(long proposalId, long now, Effects out) {}

  /**
   * A proposal failed. {@code mayBeLogged} false: it was certainly not proposed (e.g. overload, not
   * leader); true: leadership was lost with it in flight, so a later leader may still commit it and
   * nothing may be decided against it.
   */
  public void recordFailed(
      long proposalId, boolean mayBeLogged, String why, long now, Effects out) {}

  /** Time passed: deadlines, vote timeouts, phase-2 re-sends, Completed batches, retention. */
  public void tick(long now, Effects out) {}

  // ---- reads ----

  /** The transaction as this engine holds it in memory, or null (then ask the log). */
  public TxView view(Xid xid) {
    return null;
  }

  /**
   * Transactions held in memory with {@code status} (null for any), newest xid first.
   *
   * @param offset how many to skip
   * @param limit at most this many
   */
  public List<TxView> list(TxStatus status, int offset, int limit) {
    return List.of();
  }

  /** Counters and gauges for metrics. */
  public EngineStats stats() {
    return null;
  }
}
