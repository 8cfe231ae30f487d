package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.BranchRef;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.Vote;

/** One branch of a transaction held in memory: its vote and the delivery of its current phase. */
final class Branch {

  final BranchRef ref;
  BranchStatus status = BranchStatus.REGISTERED;

  /** The phase-1 vote, null until it arrived. */
  Vote vote;

  /** The phase-2 or ABORT message being delivered, null before phase 2. */
  Phase phase;

  /** {@link #phase} was acknowledged. */
  boolean acked;

  /** ABORT could not be delivered in {@code abortAttempts} sends: the branch finds out itself. */
  boolean givenUp;

  /** Sends of {@link #phase} so far. */
  int attempts;

  /** The delay before the next re-send after a failed delivery (doubles per failure). */
  long retryDelayMillis;

  /** When to re-send {@link #phase}, or 0 when no re-send is scheduled. */
  long resendAtMillis;

  Branch(BranchRef ref) {
    this.ref = ref;
  }

  int id() {
    return ref.branchId();
  }

  /** True while {@link #phase} still needs an acknowledgement. */
  boolean awaitingAck() {
    return phase != null && !acked && !givenUp;
  }
}
