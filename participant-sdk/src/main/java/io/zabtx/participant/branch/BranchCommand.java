package io.zabtx.participant.branch;

/**
 * Something the runtime must do for the {@link BranchEngine}, carried out in the order emitted.
 *
 * <p>Durability contract: the engine never emits a {@link Vote} or {@link Ack} that depends on a
 * state change before the runtime reported that change durable ({@link BranchEngine#persisted},
 * {@link BranchEngine#localCommitted}, {@link BranchEngine#rolledBack}). An answer emitted in the
 * same batch as no durable step is answered from a state that is already durable.
 */
public sealed interface BranchCommand {

  /** The branch this command is about. */
  BranchKey key();

  /**
   * Write the branch row ({@code dtx_branch}) with {@code state} in one local transaction and make
   * it durable; report {@link BranchEngine#persisted} or {@link BranchEngine#persistFailed}.
   */
  record Persist(BranchKey key, BranchProtocol protocol, BranchState state, long deadlineMillis)
      implements BranchCommand {}

  /**
   * Delete the branch's undo and lock rows and set its row to {@code finalState} (COMMITTED or
   * HEURISTIC_COMMIT), in one local transaction; report {@link BranchEngine#localCommitted} or
   * {@link BranchEngine#localStepFailed}.
   */
  record LocalCommit(BranchKey key, BranchState finalState) implements BranchCommand {}

  /**
   * Check every row against its after image, restore the before images in reverse order, delete
   * undo and lock rows and set the branch row to {@code finalState} (ABORTED or HEURISTIC_ABORT),
   * in one local transaction. On an image mismatch change nothing but mark the row
   * HEURISTIC_HAZARD. Report {@link BranchEngine#rolledBack}, {@link BranchEngine#rollbackHazard}
   * or {@link BranchEngine#localStepFailed}.
   */
  record LocalRollback(BranchKey key, BranchState finalState) implements BranchCommand {}

  /** Answer phase-1 request {@code requestId} with a vote. */
  record Vote(long requestId, BranchKey key, boolean yes, String reason) implements BranchCommand {}

  /** Answer phase-2 request {@code requestId} with the branch's state after handling it. */
  record Ack(long requestId, BranchKey key, BranchState state) implements BranchCommand {}

  /**
   * Answer request {@code requestId} with an error: the message does not fit the branch's state, or
   * its durable step failed; nothing changed, the coordinator may repeat it.
   */
  record Reject(long requestId, BranchKey key, String reason) implements BranchCommand {}

  /**
   * Ask any coordinator node for the outcome of {@code key.xid()}; report {@link
   * BranchEngine#outcome} exactly once.
   */
  record QueryOutcome(BranchKey key) implements BranchCommand {}

  /**
   * Tell the coordinator this branch reached {@code state} on its own; report {@link
   * BranchEngine#heuristicReported} or {@link BranchEngine#heuristicReportFailed}.
   */
  record ReportHeuristic(BranchKey key, BranchState state) implements BranchCommand {}

  /** The engine no longer tracks this finished branch; the runtime may delete its row. */
  record Forget(BranchKey key) implements BranchCommand {}
}
