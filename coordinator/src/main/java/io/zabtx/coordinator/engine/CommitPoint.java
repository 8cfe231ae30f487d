package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.LogRecord;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;

/**
 * The commit point: the DecisionRecord (2PC) or PreCommitRecord (3PC) whose durability commits a
 * transaction. Proposed once every branch voted YES and the phase-2 backlog has room; once proposed
 * nothing aborts the transaction. Also resumes phase 2 of transactions whose commit point a
 * previous leader logged.
 */
final class CommitPoint {

  private final EngineConfig config;
  private final Proposals proposals;
  private final Backlog backlog;
  private final Counters counters;
  private final Waiters waiters;
  private final Delivery delivery;
  private final TxTable table;

  CommitPoint(
      EngineConfig config,
      Proposals proposals,
      Backlog backlog,
      Counters counters,
      Waiters waiters,
      Delivery delivery,
      TxTable table) {
    this.config = config;
    this.proposals = proposals;
    this.backlog = backlog;
    this.counters = counters;
    this.waiters = waiters;
    this.delivery = delivery;
    this.table = table;
  }

  /** Every branch voted YES: propose the commit point unless the phase-2 backlog is full. */
  void tryDecide(Tx tx, long now, Effects out) {
    if (!backlog.fits(tx)) {
      waiters.backlogFull(tx, out);
      tx.decideRetryAtMillis = retryAt(now);
      return;
    }
    tx.decideRetryAtMillis = 0;
    tx.commitPointProposed = true;
    tx.decidedAtMillis = now;
    backlog.hold(tx);
    propose(tx, out);
  }

  /** Proposes again a commit point that certainly was not logged, once its retry is due. */
  void retryIfDue(Tx tx, long now, Effects out) {
    if (tx.commitPointProposalId == 0 && Timers.due(tx.decideRetryAtMillis, now)) {
      tx.decideRetryAtMillis = 0;
      propose(tx, out);
    }
  }

  private void propose(Tx tx, Effects out) {
    LogRecord record =
        tx.protocol == TxProtocol.TWO_PHASE
            ? new DecisionRecord(
                tx.xid, tx.branchRefs(), tx.decidedAtMillis, tx.name, tx.begunAtMillis)
            : new PreCommitRecord(
                tx.xid, tx.branchRefs(), tx.decidedAtMillis, tx.name, tx.begunAtMillis);
    tx.commitPointProposalId = proposals.propose(new Pending.CommitPoint(tx.xid), record, out);
  }

  /** The commit point is durable: the transaction is committed, phase 2 begins. */
  void durable(Tx tx, long now, Effects out) {
    tx.commitPointProposalId = 0;
    tx.commitPointDurable = true;
    tx.status = TxStatus.COMMITTING;
    counters.committed(tx.protocol);
    tx.event(loggedEvent(tx), now, "");
    counters.countMixed(tx);
    // Phase 2 first: without branches it finishes at once and the answer says COMMITTED.
    delivery.startPhase2(tx, now, out);
    waiters.commitPointDurable(tx, out);
    table.reschedule(tx);
  }

  /** The commit point proposal failed; {@code mayBeLogged}: a later leader may still commit it. */
  void failed(Tx tx, boolean mayBeLogged, long now, Effects out) {
    tx.commitPointProposalId = 0;
    if (mayBeLogged) {
      tx.outcomeUnknown = true;
      waiters.outcomeUnknown(tx, out);
    } else {
      // Certainly not logged, but already promised not to abort: propose it again later.
      tx.decideRetryAtMillis = retryAt(now);
    }
    table.reschedule(tx);
  }

  /** Takes over {@code t}, logged with its commit point by an earlier leader: phase 2 resumes. */
  void resume(LoggedTx t, long epoch, long now, Effects out) {
    Tx tx = new Tx(t.xid(), t.protocol(), t.name(), t.begunAtMillis(), 0);
    t.branches().forEach(ref -> tx.addBranch(ref).status = BranchStatus.VOTED_YES);
    t.heuristics().forEach(h -> tx.addHeuristic(h.kind(), h.branchId()));
    tx.status = TxStatus.COMMITTING;
    tx.commitPointProposed = true;
    tx.commitPointDurable = true;
    tx.decidedAtMillis = t.decidedAtMillis();
    tx.mixedCounted = tx.mixed(); // counted by the leader that saw it become mixed
    tx.event("BEGUN", t.begunAtMillis(), "");
    tx.event(loggedEvent(tx), t.decidedAtMillis(), "");
    tx.event("TAKEN_OVER", now, "epoch " + epoch + " resumes phase 2");
    table.put(tx);
    backlog.hold(tx);
    delivery.startPhase2(tx, now, out);
  }

  /** When to try again after an OVERLOADED decision or a proposal certainly not logged. */
  private long retryAt(long now) {
    return now + Math.max(1, config.overloadRetryAfterMillis());
  }

  private static String loggedEvent(Tx tx) {
    return tx.protocol == TxProtocol.TWO_PHASE ? "DECISION_LOGGED" : "PRECOMMIT_LOGGED";
  }
}
