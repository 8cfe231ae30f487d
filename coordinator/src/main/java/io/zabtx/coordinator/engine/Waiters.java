package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.Outcome;
import java.util.Iterator;

/**
 * The commit and rollback requests waiting on a transaction, and how each turn of the protocol
 * answers them. Every waiting request is answered exactly once; the number waiting is bounded.
 */
final class Waiters {

  /** Commit or rollback requests that may wait on one transaction at once. */
  static final int MAX_PER_TX = 64;

  private final EngineConfig config;

  Waiters(EngineConfig config) {
    this.config = config;
  }

  /** Adds a commit request, or answers OVERLOADED and returns false when too many wait. */
  boolean addCommit(Tx tx, long requestId, boolean waitForCompletion, Effects out) {
    if (tx.commitWaiters.size() >= MAX_PER_TX) {
      out.reply(requestId, Failures.tooManyWaiters(tx, config));
      return false;
    }
    tx.commitWaiters.add(new Tx.Waiter(requestId, waitForCompletion));
    return true;
  }

  /** Adds a rollback request, which the commit point proposal's result will answer. */
  void addRollback(Tx tx, long requestId, Effects out) {
    if (tx.rollbackWaiters.size() >= MAX_PER_TX) {
      out.reply(requestId, Failures.tooManyWaiters(tx, config));
    } else {
      tx.rollbackWaiters.add(requestId);
    }
  }

  /**
   * The commit point is durable: commits are answered (except those waiting for completion),
   * rollbacks fail.
   */
  void commitPointDurable(Tx tx, Effects out) {
    for (Iterator<Tx.Waiter> it = tx.commitWaiters.iterator(); it.hasNext(); ) {
      Tx.Waiter w = it.next();
      if (!w.waitForCompletion()) {
        out.reply(w.requestId(), tx.answer(Outcome.COMMIT));
        it.remove();
      }
    }
    tx.rollbackWaiters.forEach(r -> out.reply(r, Failures.committed(tx.xid)));
    tx.rollbackWaiters.clear();
  }

  /** Phase 2 is done: every commit still waiting is answered. */
  void committed(Tx tx, Effects out) {
    for (Tx.Waiter w : tx.commitWaiters) {
      out.reply(w.requestId(), tx.answer(Outcome.COMMIT));
    }
    tx.commitWaiters.clear();
  }

  /** ABORT was decided: every commit waiting fails. */
  void aborted(Tx tx, Effects out) {
    for (Tx.Waiter w : tx.commitWaiters) {
      out.reply(w.requestId(), Failures.aborted(tx));
    }
    tx.commitWaiters.clear();
  }

  /** The commit point was held back by the phase-2 backlog: commits are told to retry. */
  void backlogFull(Tx tx, Effects out) {
    for (Tx.Waiter w : tx.commitWaiters) {
      out.reply(w.requestId(), Failures.backlogFull(tx, config));
    }
    tx.commitWaiters.clear();
  }

  /** The commit point proposal may or may not be logged: no one here can tell. */
  void outcomeUnknown(Tx tx, Effects out) {
    tx.commitWaiters.forEach(w -> out.reply(w.requestId(), Failures.outcomeUnknown(tx)));
    tx.rollbackWaiters.forEach(r -> out.reply(r, Failures.outcomeUnknown(tx)));
    tx.commitWaiters.clear();
    tx.rollbackWaiters.clear();
  }

  /**
   * Leadership is lost: a durable commit point answers COMMIT, one in flight OUTCOME_UNKNOWN,
   * anything else NOT_LEADER. The waiters are dropped with the transaction.
   */
  void steppedDown(Tx tx, Effects out) {
    boolean inFlight = tx.commitPointProposalId != 0;
    for (Tx.Waiter w : tx.commitWaiters) {
      if (tx.commitPointDurable) {
        // Decided and durable: only phase 2 was still running, the answer is known.
        out.reply(w.requestId(), tx.answer(Outcome.COMMIT));
      } else if (inFlight) {
        out.reply(w.requestId(), Failures.outcomeUnknown(tx));
      } else {
        out.reply(w.requestId(), Failures.notLeader());
      }
    }
    for (long r : tx.rollbackWaiters) {
      out.reply(r, inFlight ? Failures.outcomeUnknown(tx) : Failures.notLeader());
    }
  }
}
