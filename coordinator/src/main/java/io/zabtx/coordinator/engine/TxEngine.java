package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.engine.Answer.Begun;
import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.Registered;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.DecisionLookup;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.TxView;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import java.util.List;
import java.util.Objects;

/**
 * 2PC and 3PC on a replicated decision log, as a pure state machine (docs/coordinator.md).
 *
 * <p>Only a leader's engine acts: it mints xids of its own epoch, keeps ACTIVE transactions in
 * memory, runs phase 1, proposes the commit point, answers the client once the commit point is
 * durable, drives phase 2 until every branch acknowledged, then proposes {@code Completed}. On
 * becoming leader it resumes phase 2 of every logged transaction not completed. An engine that is
 * not leading answers every request with {@code NOT_LEADER}.
 *
 * <p>Once the commit point is proposed nothing aborts the transaction: deadlines and vote timeouts
 * stop applying, a rollback waits for the proposal's result. A proposal that certainly was not
 * logged ({@link #recordFailed} with {@code mayBeLogged} false) is proposed again after {@code
 * overloadRetryAfterMillis}, the waiting requests keep waiting; one that may be logged answers
 * OUTCOME_UNKNOWN and decides nothing more.
 *
 * <p>Every method takes {@code now}, the injected clock in milliseconds since the Unix epoch, and
 * an {@link Effects} to which it appends commands. Threading: not thread-safe; one thread drives
 * it.
 */
public final class TxEngine {

  /** Longest transaction name accepted. */
  static final int MAX_NAME_CHARS = 256;

  /** Longest endpoint or resource name accepted. */
  static final int MAX_BRANCH_NAME_CHARS = 512;

  private final EngineConfig config;
  private final DecisionLookup log;

  private boolean leader;
  private long epoch;
  private long lastMinted;

  private final TxTable table;
  private final Proposals proposals = new Proposals();
  private final Counters counters = new Counters();
  private final Backlog backlog;
  private final Waiters waiters;
  private final Completion completion;
  private final Heuristics heuristics;
  private final Delivery delivery;
  private final Abort abort;
  private final CommitPoint commitPoint;
  private final Voting voting;
  private final Timers timers;

  /**
   * @param config limits and timeouts
   * @param log read access to the replicated decision log (for xids this engine does not hold)
   */
  public TxEngine(EngineConfig config, DecisionLookup log) {
    this.config = Objects.requireNonNull(config, "config");
    this.log = Objects.requireNonNull(log, "log");
    table = new TxTable(config);
    backlog = new Backlog(config);
    waiters = new Waiters(config);
    completion = new Completion(config, proposals, table, log);
    heuristics = new Heuristics(config, log, proposals, counters, table);
    delivery = new Delivery(config, waiters, completion, table, backlog, heuristics);
    abort = new Abort(counters, waiters, delivery);
    commitPoint = new CommitPoint(config, proposals, backlog, counters, waiters, delivery, table);
    voting = new Voting(config, abort, commitPoint, table);
    timers = new Timers(abort, voting, delivery);
  }

  // ---- leadership ----

  /**
   * This node became the established leader of {@code epoch}; its decision log has applied the
   * whole initial history of the epoch. Resumes phase 2 of every {@code unfinished} transaction (a
   * commit point without Completed): 2PC sends COMMIT to every branch, 3PC sends PRE_COMMIT then
   * COMMIT. From now on xids {@code epoch-1, epoch-2, ...} are minted.
   */
  public void becomeLeader(long epoch, List<LoggedTx> unfinished, long now, Effects out) {
    if (epoch <= 0 || epoch > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("epoch must be in [1, 2^32-1], got " + epoch);
    }
    if (leader) {
      stepDown(now, out);
    }
    leader = true;
    this.epoch = epoch;
    lastMinted = 0;
    completion.start(now);
    for (LoggedTx t : unfinished) {
      if (t.hasCommitPoint() && !t.completed() && !table.contains(t.xid())) {
        commitPoint.resume(t, epoch, now, out);
      }
    }
  }

  /**
   * This node stopped leading. Every pending request is answered: NOT_LEADER if nothing was decided
   * for it, OUTCOME_UNKNOWN if a commit point proposal was in flight. All in-memory transactions
   * are dropped: the next leader finishes what is logged and presumes the rest aborted.
   */
  public void stepDown(long now, Effects out) {
    if (!leader) {
      return;
    }
    for (Tx tx : table.all()) {
      waiters.steppedDown(tx, out);
    }
    for (Pending p : proposals.inFlight()) {
      if (p instanceof Pending.Heuristic h && h.hasRequest()) {
        out.reply(h.requestId(), Failures.notLeader());
      }
    }
    leader = false;
    epoch = 0;
    lastMinted = 0;
    table.clear();
    proposals.clear();
    completion.clear();
    heuristics.clear();
    backlog.clear();
  }

  /** True between {@link #becomeLeader} and {@link #stepDown}. */
  public boolean isLeader() {
    return leader;
  }

  /** The epoch this engine leads, or 0. */
  public long epoch() {
    return epoch;
  }

  // ---- requests (each answered exactly once with a Reply carrying requestId) ----

  /**
   * Begins a transaction. {@code timeoutMillis} 0 means the default; a value outside [1, max]
   * answers INVALID_ARGUMENT; more than {@code maxInFlight} unfinished transactions answers
   * OVERLOADED.
   */
  public void begin(
      long requestId, TxProtocol protocol, long timeoutMillis, String name, long now, Effects out) {
    String n = name == null ? "" : name;
    Failure refused = refuseBegin(protocol, timeoutMillis, n);
    if (refused != null) {
      out.reply(requestId, refused);
      return;
    }
    long timeout = timeoutMillis == 0 ? config.defaultTimeoutMillis() : timeoutMillis;
    Xid xid = new Xid(epoch, ++lastMinted);
    Tx tx = new Tx(xid, protocol, n, now, now + timeout);
    tx.status = TxStatus.ACTIVE;
    tx.event("BEGUN", now, protocol.shortName() + ", timeout " + timeout + " ms");
    table.put(tx);
    counters.begun(protocol);
    table.reschedule(tx);
    out.reply(requestId, new Begun(xid, protocol, tx.deadlineMillis));
  }

  /** Why a begin is refused, or null if it may proceed. */
  private Failure refuseBegin(TxProtocol protocol, long timeoutMillis, String name) {
    if (!leader) {
      return Failures.notLeader();
    }
    if (protocol == null) {
      return Failures.invalid("protocol is required: use 2PC or 3PC");
    }
    if (timeoutMillis < 0 || timeoutMillis > config.maxTimeoutMillis()) {
      return Failures.timeoutOutOfRange(config, timeoutMillis);
    }
    if (name.length() > MAX_NAME_CHARS) {
      return Failures.nameTooLong(name.length());
    }
    if (table.inFlight() >= config.maxInFlight()) {
      return Failures.tooManyInFlight(table.inFlight(), config);
    }
    return null;
  }

  /**
   * Commits {@code xid}: from ACTIVE starts phase 1 (PREPARE or CAN_COMMIT to every branch in
   * parallel); the reply comes once the commit point is durable (or, with {@code
   * waitForCompletion}, once phase 2 is done), or as TX_ABORTED. Idempotent: a repeated commit
   * joins the one under way or answers from the decided state.
   */
  public void commit(long requestId, Xid xid, boolean waitForCompletion, long now, Effects out) {
    if (!checkRequest(requestId, xid, out)) {
      return;
    }
    Tx tx = table.get(xid);
    if (tx == null) {
      out.reply(requestId, absent(xid).toCommit());
      return;
    }
    switch (tx.status) {
      case ACTIVE -> {
        if (now >= tx.deadlineMillis) {
          abort.decide(tx, "deadline passed before the commit was requested", now, out);
          out.reply(requestId, Failures.aborted(tx));
        } else if (waiters.addCommit(tx, requestId, waitForCompletion, out)) {
          voting.start(tx, now, out);
        }
      }
      case PREPARING -> {
        if (tx.outcomeUnknown) {
          out.reply(requestId, Failures.outcomeUnknown(tx));
        } else if (waiters.addCommit(tx, requestId, waitForCompletion, out)
            && !tx.commitPointProposed
            && tx.decideRetryAtMillis > 0) {
          commitPoint.tryDecide(tx, now, out); // held back by the backlog: try again now
        }
      }
      case COMMITTING -> {
        if (waitForCompletion) {
          waiters.addCommit(tx, requestId, true, out);
        } else {
          out.reply(requestId, tx.answer(Outcome.COMMIT));
        }
      }
      case COMMITTED -> out.reply(requestId, tx.answer(Outcome.COMMIT));
      case ABORTING, ABORTED, HEURISTIC_MIXED -> out.reply(requestId, Failures.aborted(tx));
    }
    table.reschedule(tx);
  }

  /** Rolls back {@code xid} unless it is committed (TX_COMMITTED). Idempotent. */
  public void rollback(long requestId, Xid xid, long now, Effects out) {
    if (!checkRequest(requestId, xid, out)) {
      return;
    }
    Tx tx = table.get(xid);
    if (tx == null) {
      out.reply(requestId, absent(xid).toRollback());
      return;
    }
    switch (tx.status) {
      case ACTIVE, PREPARING -> {
        // Only a PREPARING transaction can have its commit point proposed or its outcome unknown.
        if (tx.outcomeUnknown) {
          out.reply(requestId, Failures.outcomeUnknown(tx));
        } else if (tx.commitPointProposed) {
          // Too late to abort: the answer is whatever the commit point proposal turns out to be.
          waiters.addRollback(tx, requestId, out);
        } else {
          abort.decide(tx, Abort.ROLLED_BACK, now, out);
          out.reply(requestId, tx.answer(Outcome.ABORT));
        }
      }
      case COMMITTING, COMMITTED -> out.reply(requestId, Failures.committed(xid));
      case ABORTING, ABORTED, HEURISTIC_MIXED -> out.reply(requestId, tx.answer(Outcome.ABORT));
    }
    table.reschedule(tx);
  }

  /**
   * Registers a branch of an ACTIVE transaction. The same (endpoint, resource) again gets the same
   * branch id. NOT_ACTIVE once phase 1 started or the deadline passed; OVERLOADED beyond {@code
   * maxBranchesPerTx}.
   */
  public void registerBranch(
      long requestId, Xid xid, String endpoint, String resource, long now, Effects out) {
    if (!checkRequest(requestId, xid, out)) {
      return;
    }
    String bad = Failures.badBranchName("endpoint", endpoint);
    bad = bad != null ? bad : Failures.badBranchName("resource", resource);
    if (bad != null) {
      out.reply(requestId, Failures.invalid(bad));
      return;
    }
    Tx tx = table.get(xid);
    if (tx == null) {
      out.reply(requestId, absent(xid).toRegister());
      return;
    }
    if (tx.status == TxStatus.ACTIVE && now >= tx.deadlineMillis) {
      abort.decide(tx, Abort.DEADLINE_PASSED, now, out);
    }
    if (tx.status != TxStatus.ACTIVE) {
      out.reply(requestId, Failures.notActive(tx));
      table.reschedule(tx);
      return;
    }
    int id = tx.branchIdOf(endpoint, resource);
    if (id == 0) {
      if (tx.branches.size() >= config.maxBranchesPerTx()) {
        out.reply(requestId, Failures.tooManyBranches(tx, config));
        return;
      }
      id = tx.addBranch(endpoint, resource).id();
      tx.event("BRANCH_REGISTERED", now, "branch " + id + ": " + resource + " at " + endpoint);
    }
    out.reply(requestId, new Registered(id, tx.protocol, tx.deadlineMillis));
  }

  /**
   * Answers with the transaction's status and outcome: from memory, else from the log, else ABORTED
   * for an xid of an older epoch (presumed abort) or of this epoch not in memory, NOT_FOUND for one
   * never minted, NO_LONGER_RETAINED for one the log may have forgotten.
   */
  public void queryOutcome(long requestId, Xid xid, long now, Effects out) {
    if (!checkRequest(requestId, xid, out)) {
      return;
    }
    Tx tx = table.get(xid);
    out.reply(requestId, tx != null ? tx.answer(tx.outcome()) : absent(xid).toQuery());
  }

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
      Effects out) {
    if (!checkRequest(requestId, xid, out)) {
      return;
    }
    if (kind == null) {
      out.reply(requestId, Failures.invalid("the kind of heuristic outcome is required"));
      return;
    }
    String d = detail == null ? "" : detail;
    if (d.length() > MAX_BRANCH_NAME_CHARS) {
      d = d.substring(0, MAX_BRANCH_NAME_CHARS);
    }
    Tx tx = table.get(xid);
    if (tx == null) {
      Absent a = absent(xid);
      if (!a.known()) {
        out.reply(requestId, Failures.absent(xid, a.kind()));
        return;
      }
    } else {
      if (!tx.branches.containsKey(branchId)) {
        out.reply(
            requestId,
            Failures.invalid("branch " + branchId + " is not registered in transaction " + xid));
        return;
      }
      boolean undecided = tx.status == TxStatus.ACTIVE || tx.status == TxStatus.PREPARING;
      if (kind == HeuristicKind.ABORTED_UNILATERALLY && undecided && !tx.commitPointProposed) {
        abort.decide(tx, "branch " + branchId + " aborted unilaterally: " + d, now, out);
        table.reschedule(tx);
      }
    }
    heuristics.propose(requestId, xid, branchId, kind, d, now, out);
  }

  // ---- results of commands ----

  /** A participant answered PREPARE or CAN_COMMIT. Late, duplicate or unknown votes are ignored. */
  public void voteReceived(Xid xid, int branchId, Vote vote, String reason, long now, Effects out) {
    Tx tx = held(xid);
    Branch b = tx == null ? null : tx.branches.get(branchId);
    if (b != null && vote != null) {
      voting.voted(tx, b, vote, reason, now, out);
    }
  }

  /**
   * A participant acknowledged PRE_COMMIT, COMMIT or ABORT; {@code reported} is the state it says
   * the branch is in (a HEURISTIC_* state counts as a heuristic report).
   */
  public void ackReceived(
      Xid xid, int branchId, Phase phase, BranchStatus reported, long now, Effects out) {
    Tx tx = held(xid);
    Branch b = tx == null ? null : tx.branches.get(branchId);
    if (b == null || phase == null || b.phase != phase || !b.awaitingAck()) {
      return; // late, duplicate or unknown
    }
    delivery.acked(tx, b, phase, reported, now, out);
    table.reschedule(tx);
  }

  /** A Send could not be delivered (after the runtime's own retries, for phase 2). */
  public void deliveryFailed(
      Xid xid, int branchId, Phase phase, String why, long now, Effects out) {
    Tx tx = held(xid);
    Branch b = tx == null ? null : tx.branches.get(branchId);
    if (b == null || phase == null) {
      return;
    }
    if (phase.isVote()) {
      voting.failed(tx, b, phase, why, now, out);
    } else {
      delivery.failed(tx, b, phase, now, out);
    }
  }

  /** A proposal is committed on a quorum and applied to the local decision log. */
  public void recordDurable(long proposalId, long now, Effects out) {
    Pending p = leader ? proposals.take(proposalId) : null;
    if (p instanceof Pending.CommitPoint c) {
      commitPoint.durable(table.get(c.xid()), now, out);
    } else if (p instanceof Pending.Completed c) {
      completion.durable(c.xids(), now);
    } else if (p instanceof Pending.Heuristic h) {
      heuristics.durable(h, now, out);
    } else if (p instanceof Pending.Forget) {
      completion.forgetDone();
    }
  }

  /**
   * A proposal failed. {@code mayBeLogged} false: it was certainly not proposed (e.g. overload, not
   * leader); true: leadership was lost with it in flight, so a later leader may still commit it and
   * nothing may be decided against it.
   */
  public void recordFailed(
      long proposalId, boolean mayBeLogged, String why, long now, Effects out) {
    Pending p = leader ? proposals.take(proposalId) : null;
    if (p instanceof Pending.CommitPoint c) {
      commitPoint.failed(table.get(c.xid()), mayBeLogged, now, out);
    } else if (p instanceof Pending.Completed c) {
      completion.failed(c.xids(), now);
    } else if (p instanceof Pending.Heuristic h) {
      heuristics.failed(h, mayBeLogged, why, out);
    } else if (p instanceof Pending.Forget) {
      completion.forgetDone();
    }
  }

  /** Time passed: deadlines, vote timeouts, phase-2 re-sends, Completed batches, retention. */
  public void tick(long now, Effects out) {
    if (!leader) {
      return;
    }
    for (Xid xid : table.due(now)) {
      Tx tx = table.get(xid);
      if (tx != null) {
        tx.wakeAtMillis = 0;
        timers.wake(tx, now, out);
        table.reschedule(tx);
      }
    }
    completion.flushIfDue(now, out);
    heuristics.retry(now, out);
    table.evictExpired(now);
    completion.forgetIfDue(now, this::oldestUndecided, out);
  }

  /**
   * The smallest xid that may still get a commit point from this leader: its oldest transaction in
   * flight, else the next xid it would mint. Older epochs' xids can no longer get one.
   */
  private Xid oldestUndecided() {
    Xid oldest = table.oldestInFlight();
    return oldest != null ? oldest : new Xid(epoch, lastMinted + 1);
  }

  // ---- reads ----

  /** The transaction as this engine holds it in memory, or null (then ask the log). */
  public TxView view(Xid xid) {
    Tx tx = xid == null ? null : table.get(xid);
    return tx == null ? null : tx.view();
  }

  /**
   * Transactions held in memory with {@code status} (null for any), newest xid first.
   *
   * @param offset how many to skip
   * @param limit at most this many
   */
  public List<TxView> list(TxStatus status, int offset, int limit) {
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException(
          "offset and limit must not be negative, got " + offset + " and " + limit);
    }
    return table.views(status, offset, limit);
  }

  /** Counters and gauges for metrics. */
  public EngineStats stats() {
    return counters.stats(table.inFlight(), backlog.size(), table.retained());
  }

  // ---- helpers ----

  /** The transaction a participant's message is about, or null when not leading or unknown. */
  private Tx held(Xid xid) {
    return leader && xid != null ? table.get(xid) : null;
  }

  /** What the log or the xid itself says about {@code xid}, which is not in memory. */
  private Absent absent(Xid xid) {
    return Absent.resolve(xid, epoch, lastMinted, log);
  }

  /** Answers NOT_LEADER or INVALID_ARGUMENT and returns false when the request cannot proceed. */
  private boolean checkRequest(long requestId, Xid xid, Effects out) {
    if (!leader) {
      out.reply(requestId, Failures.notLeader());
      return false;
    }
    if (xid == null) {
      out.reply(requestId, Failures.invalid("xid is required"));
      return false;
    }
    return true;
  }
}
