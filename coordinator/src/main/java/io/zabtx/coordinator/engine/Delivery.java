package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;

/**
 * Delivering a decision to every branch: phase 2 (PRE_COMMIT then COMMIT for 3PC, COMMIT for 2PC)
 * or ABORT, each until every branch acknowledged. A failed delivery is re-sent with a doubling
 * delay (the decision is logged, so COMMIT is retried for as long as it takes); ABORT is given up
 * after {@code abortAttempts} sends, since the participant finds out by asking or by its own
 * deadline.
 */
final class Delivery {

  private final EngineConfig config;
  private final Waiters waiters;
  private final Completion completion;
  private final TxTable table;
  private final Backlog backlog;
  private final Heuristics heuristics;

  Delivery(
      EngineConfig config,
      Waiters waiters,
      Completion completion,
      TxTable table,
      Backlog backlog,
      Heuristics heuristics) {
    this.config = config;
    this.waiters = waiters;
    this.completion = completion;
    this.table = table;
    this.backlog = backlog;
    this.heuristics = heuristics;
  }

  /** The commit point is durable: phase 2 begins. */
  void startPhase2(Tx tx, long now, Effects out) {
    sendToAll(tx, tx.protocol == TxProtocol.TWO_PHASE ? Phase.COMMIT : Phase.PRE_COMMIT, out);
    advance(tx, now, out);
  }

  /** ABORT was decided: every branch is told, including those that voted NO or never voted. */
  void startAbort(Tx tx, long now, Effects out) {
    sendToAll(tx, Phase.ABORT, out);
    advance(tx, now, out);
  }

  private void sendToAll(Tx tx, Phase phase, Effects out) {
    if (phase != Phase.ABORT) {
      tx.phase2 = phase;
    }
    for (Branch b : tx.branches.values()) {
      b.phase = phase;
      b.acked = false;
      b.givenUp = false;
      b.attempts = 0;
      b.retryDelayMillis = config.phase2RetryMinMillis();
      b.resendAtMillis = 0;
      send(tx, b, out);
    }
  }

  private void send(Tx tx, Branch b, Effects out) {
    b.attempts++;
    b.resendAtMillis = 0;
    out.add(
        new Command.Send(
            tx.xid, b.id(), b.ref.endpoint(), b.phase, tx.protocol, config.phaseTimeoutMillis()));
  }

  /** Branch {@code b} acknowledged {@code phase} (which it awaited), reporting {@code reported}. */
  void acked(Tx tx, Branch b, Phase phase, BranchStatus reported, long now, Effects out) {
    b.acked = true;
    b.resendAtMillis = 0;
    HeuristicKind kind = Heuristics.kindOf(reported);
    if (kind != null) {
      b.status = reported;
      heuristics.proposeAcked(tx.xid, b.id(), kind, phase, now, out);
    } else {
      b.status =
          switch (phase) {
            case PRE_COMMIT -> BranchStatus.PRECOMMITTED;
            case COMMIT -> BranchStatus.COMMITTED;
            default -> BranchStatus.ABORTED;
          };
    }
    if (phase == Phase.COMMIT) {
      backlog.release(tx);
    }
    advance(tx, now, out);
  }

  /** {@code phase} could not be delivered to {@code b}: re-send it later, or give up an ABORT. */
  void failed(Tx tx, Branch b, Phase phase, long now, Effects out) {
    if (b.phase != phase || !b.awaitingAck() || b.resendAtMillis > 0) {
      return;
    }
    if (phase == Phase.ABORT && b.attempts >= config.abortAttempts()) {
      b.givenUp = true; // the participant finds out by asking or by its own deadline
      tx.event("ABORT_GIVEN_UP", now, "branch " + b.id() + " after " + b.attempts + " attempts");
      advance(tx, now, out);
    } else {
      b.resendAtMillis = now + b.retryDelayMillis;
      b.retryDelayMillis = Math.min(2 * b.retryDelayMillis, config.phase2RetryMaxMillis());
    }
    table.reschedule(tx);
  }

  /** Re-sends to every branch whose re-send is due at {@code now}. */
  void resendDue(Tx tx, long now, Effects out) {
    for (Branch b : tx.branches.values()) {
      if (b.awaitingAck() && Timers.due(b.resendAtMillis, now)) {
        send(tx, b, out);
      }
    }
  }

  /** When {@code tx} next re-sends, or 0. */
  static long nextResend(Tx tx) {
    return tx.branches.values().stream()
        .filter(b -> b.awaitingAck() && b.resendAtMillis > 0)
        .mapToLong(b -> b.resendAtMillis)
        .min()
        .orElse(0);
  }

  /** Moves phase 2 (or the abort) on once no branch awaits an acknowledgement. */
  private void advance(Tx tx, long now, Effects out) {
    if (!tx.noBranchAwaitingAck()) {
      return;
    }
    if (tx.status == TxStatus.COMMITTING && tx.phase2 == Phase.PRE_COMMIT) {
      tx.event("PRECOMMIT_ACKED", now, "");
      sendToAll(tx, Phase.COMMIT, out);
      if (!tx.noBranchAwaitingAck()) {
        return;
      }
    }
    if (tx.status == TxStatus.COMMITTING) {
      tx.status = TxStatus.COMMITTED;
      tx.event("COMMIT_ACKED", now, "");
      waiters.committed(tx, out);
      completion.queue(tx.xid, now, out);
      table.finish(tx, now);
    } else if (tx.status == TxStatus.ABORTING) {
      tx.status = TxStatus.ABORTED;
      tx.event("ABORT_ACKED", now, "");
      table.finish(tx, now);
    }
  }
}
