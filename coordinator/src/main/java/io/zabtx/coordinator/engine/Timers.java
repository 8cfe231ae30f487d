package io.zabtx.coordinator.engine;

/**
 * What a transaction's wake-up does, by status, and when the next one is: the global deadline of an
 * ACTIVE transaction, the vote timeout, deadline and decision retry of a PREPARING one, the
 * re-sends of phase 2 or ABORT. Time is {@code now}, given by the caller; nothing here reads a
 * clock.
 */
final class Timers {

  private final Abort abort;
  private final Voting voting;
  private final Delivery delivery;

  Timers(Abort abort, Voting voting, Delivery delivery) {
    this.abort = abort;
    this.voting = voting;
    this.delivery = delivery;
  }

  /** Timers of {@code tx} came due at {@code now}. */
  void wake(Tx tx, long now, Effects out) {
    switch (tx.status) {
      case ACTIVE -> {
        if (now >= tx.deadlineMillis) {
          abort.decide(tx, Abort.DEADLINE_PASSED, now, out);
        }
      }
      case PREPARING -> voting.wake(tx, now, out);
      case COMMITTING, ABORTING -> delivery.resendDue(tx, now, out);
      default -> {}
    }
  }

  /** When {@code tx} next needs a {@link #wake}, or 0. */
  static long nextWake(Tx tx) {
    return switch (tx.status) {
      case ACTIVE -> tx.deadlineMillis;
      case PREPARING -> Voting.nextWake(tx);
      case COMMITTING, ABORTING -> Delivery.nextResend(tx);
      default -> 0;
    };
  }

  /** True if a timer set for {@code atMillis} (0: none) is due at {@code now}. */
  static boolean due(long atMillis, long now) {
    return atMillis > 0 && now >= atMillis;
  }
}
