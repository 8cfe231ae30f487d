package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.TxStatus;

/**
 * The decision to abort. Allowed only before the commit point is proposed: from then on the
 * transaction may be committed in the log, and nothing here may contradict that.
 */
final class Abort {

  /** The reason given when a transaction's global deadline aborts it. */
  static final String DEADLINE_PASSED = "deadline passed";

  /** The reason given when the client rolls a transaction back. */
  static final String ROLLED_BACK = "rolled back by the client";

  private final Counters counters;
  private final Waiters waiters;
  private final Delivery delivery;

  Abort(Counters counters, Waiters waiters, Delivery delivery) {
    this.counters = counters;
    this.waiters = waiters;
    this.delivery = delivery;
  }

  /**
   * Decides ABORT for {@code reason}: waiting commits fail, every branch is told.
   *
   * @throws IllegalStateException if the commit point was already proposed (a bug, not input)
   */
  void decide(Tx tx, String reason, long now, Effects out) {
    if (tx.commitPointProposed
        || (tx.status != TxStatus.ACTIVE && tx.status != TxStatus.PREPARING)) {
      throw new IllegalStateException(
          "abort of " + tx.xid + " in " + tx.status + " after its commit point was proposed");
    }
    tx.status = TxStatus.ABORTING;
    tx.abortReason = reason;
    tx.decideRetryAtMillis = 0;
    counters.aborted(tx.protocol);
    tx.event("ABORT_DECIDED", now, reason);
    counters.countMixed(tx);
    waiters.aborted(tx, out);
    delivery.startAbort(tx, now, out);
  }
}
