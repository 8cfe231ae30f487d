package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Vote;
import java.util.List;

/**
 * Phase 1: PREPARE (2PC) or CAN_COMMIT (3PC) to every branch in parallel, then the votes. All YES
 * leads to the commit point; a NO, an undeliverable request or a silent branch past the vote
 * timeout aborts.
 */
final class Voting {

  private final EngineConfig config;
  private final Abort abort;
  private final CommitPoint commitPoint;
  private final TxTable table;

  Voting(EngineConfig config, Abort abort, CommitPoint commitPoint, TxTable table) {
    this.config = config;
    this.abort = abort;
    this.commitPoint = commitPoint;
    this.table = table;
  }

  /** The commit of an ACTIVE transaction was requested: ask every branch for its vote. */
  void start(Tx tx, long now, Effects out) {
    tx.status = TxStatus.PREPARING;
    tx.commitRequestedAtMillis = now;
    long voteTimeout = Math.min(config.voteTimeoutMillis(), tx.deadlineMillis - now);
    tx.voteDeadlineMillis = now + voteTimeout;
    tx.event("COMMIT_REQUESTED", now, tx.branches.size() + " branches");
    for (Branch b : tx.branches.values()) {
      out.add(
          new Command.Send(
              tx.xid, b.id(), b.ref.endpoint(), tx.votePhase(), tx.protocol, voteTimeout));
    }
    if (tx.branches.isEmpty()) {
      // Nothing to vote on; the commit point is still logged so the answer survives a failover.
      tx.event("VOTES_COLLECTED", now, "no branches");
      commitPoint.tryDecide(tx, now, out);
    }
  }

  /** Branch {@code b} voted; late or duplicate votes are ignored. */
  void voted(Tx tx, Branch b, Vote vote, String reason, long now, Effects out) {
    if (tx.status != TxStatus.PREPARING || tx.commitPointProposed || b.vote != null) {
      return;
    }
    b.vote = vote;
    if (vote == Vote.NO) {
      b.status = BranchStatus.VOTED_NO;
      String why = reason == null || reason.isEmpty() ? "no reason given" : reason;
      abort.decide(tx, "branch " + b.id() + " voted NO: " + why, now, out);
    } else {
      b.status = BranchStatus.VOTED_YES;
      if (tx.allVoted()) {
        tx.event("VOTES_COLLECTED", now, "all " + tx.branches.size() + " voted YES");
        commitPoint.tryDecide(tx, now, out);
      }
    }
    table.reschedule(tx);
  }

  /** The vote request {@code phase} could not be delivered to {@code b}: that aborts. */
  void failed(Tx tx, Branch b, Phase phase, String why, long now, Effects out) {
    if (tx.status == TxStatus.PREPARING
        && !tx.commitPointProposed
        && b.vote == null
        && phase == tx.votePhase()) {
      abort.decide(
          tx,
          "could not deliver "
              + phase
              + " to branch "
              + b.id()
              + " at "
              + b.ref.endpoint()
              + ": "
              + why,
          now,
          out);
      table.reschedule(tx);
    }
  }

  /** Timers of a PREPARING transaction came due. */
  void wake(Tx tx, long now, Effects out) {
    if (tx.outcomeUnknown) {
      return;
    }
    if (tx.commitPointProposed) {
      commitPoint.retryIfDue(tx, now, out);
    } else if (!tx.allVoted() && now >= tx.voteDeadlineMillis) {
      abort.decide(tx, timeoutReason(tx), now, out);
    } else if (now >= tx.deadlineMillis) {
      abort.decide(tx, Abort.DEADLINE_PASSED, now, out);
    } else if (tx.allVotedYes() && Timers.due(tx.decideRetryAtMillis, now)) {
      commitPoint.tryDecide(tx, now, out);
    }
  }

  /** When a PREPARING {@code tx} next needs a {@link #wake}, or 0. */
  static long nextWake(Tx tx) {
    if (tx.outcomeUnknown) {
      return 0;
    }
    if (tx.commitPointProposed) {
      return tx.commitPointProposalId == 0 ? tx.decideRetryAtMillis : 0;
    }
    long at = tx.allVoted() ? tx.deadlineMillis : tx.voteDeadlineMillis;
    return tx.decideRetryAtMillis > 0 ? Math.min(at, tx.decideRetryAtMillis) : at;
  }

  private static String timeoutReason(Tx tx) {
    List<Integer> silent =
        tx.branches.values().stream().filter(b -> b.vote == null).map(Branch::id).toList();
    String who =
        silent.size() == 1
            ? "branch " + silent.get(0)
            : "branches " + String.join(", ", silent.stream().map(String::valueOf).toList());
    return "vote timeout after "
        + (tx.voteDeadlineMillis - tx.commitRequestedAtMillis)
        + " ms: "
        + who
        + " did not answer";
  }
}
