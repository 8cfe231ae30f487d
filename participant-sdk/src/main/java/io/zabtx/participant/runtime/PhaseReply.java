package io.zabtx.participant.runtime;

import io.zabtx.participant.branch.BranchState;

/**
 * Where the answer to one phase message goes (the gRPC call waiting for it). Exactly one method is
 * called, once, on the engine's thread; implementations must not block.
 */
interface PhaseReply {

  /** Phase 1 answered: the vote, and why a NO. */
  void voted(boolean yes, String reason);

  /** Phase 2 answered: the branch's durable state after handling the message. */
  void acked(BranchState state);

  /** The message does not fit the branch now, or recording it failed; the sender may repeat it. */
  void rejected(String reason);

  /** The participant is shutting down and did not handle the message. */
  void unavailable(String reason);
}
