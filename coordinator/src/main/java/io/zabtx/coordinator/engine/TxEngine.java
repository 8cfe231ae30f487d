package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.engine.Answer.Begun;
import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.HeuristicRecorded;
import io.zabtx.coordinator.engine.Answer.Registered;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionLookup;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.LogRecord;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.TxView;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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

  /** Commit or rollback requests that may wait on one transaction at once. */
  static final int MAX_WAITERS_PER_TX = 64;

  private final EngineConfig config;
  private final DecisionLookup log;

  private boolean leader;
  private long epoch;
  private long lastMinted;

  /** Every transaction in memory, by xid. */
  private final TreeMap<Xid, Tx> txs = new TreeMap<>();

  /** The finished ones among them, in the order they finished (for retention). */
  private final LinkedHashMap<Xid, Tx> finished = new LinkedHashMap<>();

  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private final WakeQueue wakes = new WakeQueue();
  private final List<Xid> completedQueue = new ArrayList<>();
  private long completedQueuedSinceMillis;
  private final List<Pending.Heuristic> heuristicRetries = new ArrayList<>();
  private boolean forgetInFlight;
  private long nextForgetAtMillis;
  private long nextProposalId = 1;
  private int backlog;

  private long begun2pc;
  private long begun3pc;
  private long committed2pc;
  private long committed3pc;
  private long aborted2pc;
  private long aborted3pc;
  private long heuristicCount;
  private long heuristicMixed;

  /**
   * @param config limits and timeouts
   * @param log read access to the replicated decision log (for xids this engine does not hold)
   */
  public TxEngine(EngineConfig config, DecisionLookup log) {
    this.config = Objects.requireNonNull(config, "config");
    this.log = Objects.requireNonNull(log, "log");
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
    nextForgetAtMillis = now + forgetIntervalMillis();
    for (LoggedTx t : unfinished) {
      if (t.hasCommitPoint() && !t.completed() && !txs.containsKey(t.xid())) {
        takeOver(t, now, out);
      }
    }
  }

  private void takeOver(LoggedTx t, long now, Effects out) {
    Tx tx = new Tx(t.xid(), t.protocol(), t.name(), t.begunAtMillis(), 0);
    t.branches().forEach(ref -> tx.addBranch(ref).status = BranchStatus.VOTED_YES);
    t.heuristics()
        .forEach(
            h -> {
              tx.heuristics.add(h.kind());
              Branch b = tx.branches.get(h.branchId());
              if (b != null) {
                b.status = h.kind().branchStatus();
              }
            });
    tx.status = TxStatus.COMMITTING;
    tx.commitPointProposed = true;
    tx.commitPointDurable = true;
    tx.decidedAtMillis = t.decidedAtMillis();
    tx.mixedCounted = tx.mixed(); // counted by the leader that saw it become mixed
    tx.event("BEGUN", t.begunAtMillis(), "");
    tx.event(logEvent(tx), t.decidedAtMillis(), "");
    tx.event("TAKEN_OVER", now, "epoch " + epoch + " resumes phase 2");
    txs.put(tx.xid, tx);
    holdBacklog(tx);
    startPhase2(tx, now, out);
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
    for (Tx tx : txs.values()) {
      boolean inFlight = tx.commitPointProposalId != 0;
      for (Tx.Waiter w : tx.commitWaiters) {
        if (tx.commitPointDurable) {
          // Decided and durable: only phase 2 was still running, the answer is known.
          reply(out, w.requestId(), new Status(tx.xid, tx.displayStatus(), Outcome.COMMIT));
        } else if (inFlight) {
          reply(out, w.requestId(), outcomeUnknown(tx));
        } else {
          reply(out, w.requestId(), notLeader());
        }
      }
      for (long r : tx.rollbackWaiters) {
        reply(out, r, inFlight ? outcomeUnknown(tx) : notLeader());
      }
    }
    for (Pending p : pending.values()) {
      if (p instanceof Pending.Heuristic h && h.hasRequest()) {
        reply(out, h.requestId(), notLeader());
      }
    }
    leader = false;
    epoch = 0;
    lastMinted = 0;
    txs.clear();
    finished.clear();
    pending.clear();
    wakes.clear();
    completedQueue.clear();
    heuristicRetries.clear();
    forgetInFlight = false;
    backlog = 0;
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
    if (!leader) {
      reply(out, requestId, notLeader());
      return;
    }
    if (protocol == null) {
      reply(out, requestId, invalid("protocol is required: use 2PC or 3PC"));
      return;
    }
    if (timeoutMillis < 0 || timeoutMillis > config.maxTimeoutMillis()) {
      reply(
          out,
          requestId,
          invalid(
              "timeout must be between 1 and "
                  + config.maxTimeoutMillis()
                  + " ms (0 means the default, "
                  + config.defaultTimeoutMillis()
                  + " ms), got "
                  + timeoutMillis));
      return;
    }
    String n = name == null ? "" : name;
    if (n.length() > MAX_NAME_CHARS) {
      reply(
          out,
          requestId,
          invalid(
              "name is "
                  + n.length()
                  + " characters long, at most "
                  + MAX_NAME_CHARS
                  + " are allowed"));
      return;
    }
    if (inFlight() >= config.maxInFlight()) {
      reply(
          out,
          requestId,
          new Failure(
              ErrorCode.OVERLOADED,
              inFlight() + " transactions are in flight, the most allowed; retry later",
              config.overloadRetryAfterMillis()));
      return;
    }
    long timeout = timeoutMillis == 0 ? config.defaultTimeoutMillis() : timeoutMillis;
    Xid xid = new Xid(epoch, ++lastMinted);
    Tx tx = new Tx(xid, protocol, n, now, now + timeout);
    tx.status = TxStatus.ACTIVE;
    tx.event("BEGUN", now, protocol.shortName() + ", timeout " + timeout + " ms");
    txs.put(xid, tx);
    if (protocol == TxProtocol.TWO_PHASE) {
      begun2pc++;
    } else {
      begun3pc++;
    }
    reschedule(tx);
    reply(out, requestId, new Begun(xid, protocol, tx.deadlineMillis));
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
    Tx tx = txs.get(xid);
    if (tx == null) {
      commitAbsent(requestId, xid, out);
      return;
    }
    switch (tx.status) {
      case ACTIVE -> {
        if (now >= tx.deadlineMillis) {
          abort(tx, "deadline passed before the commit was requested", now, out);
          reply(out, requestId, aborted(tx));
        } else if (addCommitWaiter(tx, requestId, waitForCompletion, out)) {
          startPhase1(tx, now, out);
        }
      }
      case PREPARING -> {
        if (tx.outcomeUnknown) {
          reply(out, requestId, outcomeUnknown(tx));
        } else if (addCommitWaiter(tx, requestId, waitForCompletion, out)
            && !tx.commitPointProposed
            && tx.decideRetryAtMillis > 0) {
          tryDecide(tx, now, out); // held back by the backlog: this request tries again now
        }
      }
      case COMMITTING -> {
        if (waitForCompletion) {
          addCommitWaiter(tx, requestId, true, out);
        } else {
          reply(out, requestId, new Status(xid, tx.displayStatus(), Outcome.COMMIT));
        }
      }
      case COMMITTED -> reply(out, requestId, new Status(xid, tx.displayStatus(), Outcome.COMMIT));
      case ABORTING, ABORTED, HEURISTIC_MIXED -> reply(out, requestId, aborted(tx));
    }
    reschedule(tx);
  }

  private void commitAbsent(long requestId, Xid xid, Effects out) {
    Absent a = Absent.resolve(xid, epoch, lastMinted, log);
    Answer answer =
        switch (a.kind()) {
          case LOGGED ->
              a.logged().hasCommitPoint()
                  ? new Status(xid, a.logged().status(), Outcome.COMMIT)
                  : presumedAbortFailure(xid);
          case PRESUMED_ABORTED -> presumedAbortFailure(xid);
          default -> absentFailure(xid, a);
        };
    reply(out, requestId, answer);
  }

  /** Rolls back {@code xid} unless it is committed (TX_COMMITTED). Idempotent. */
  public void rollback(long requestId, Xid xid, long now, Effects out) {
    if (!checkRequest(requestId, xid, out)) {
      return;
    }
    Tx tx = txs.get(xid);
    if (tx == null) {
      rollbackAbsent(requestId, xid, out);
      return;
    }
    switch (tx.status) {
      case ACTIVE -> {
        abort(tx, "rolled back by the client", now, out);
        reply(out, requestId, new Status(xid, tx.displayStatus(), Outcome.ABORT));
      }
      case PREPARING -> {
        if (tx.outcomeUnknown) {
          reply(out, requestId, outcomeUnknown(tx));
        } else if (tx.commitPointProposed) {
          // Too late to abort: the answer is whatever the commit point proposal turns out to be.
          if (tx.rollbackWaiters.size() >= MAX_WAITERS_PER_TX) {
            reply(out, requestId, tooManyWaiters(tx));
          } else {
            tx.rollbackWaiters.add(requestId);
          }
        } else {
          abort(tx, "rolled back by the client", now, out);
          reply(out, requestId, new Status(xid, tx.displayStatus(), Outcome.ABORT));
        }
      }
      case COMMITTING, COMMITTED -> reply(out, requestId, committedFailure(xid));
      case ABORTING, ABORTED, HEURISTIC_MIXED ->
          reply(out, requestId, new Status(xid, tx.displayStatus(), Outcome.ABORT));
    }
    reschedule(tx);
  }

  private void rollbackAbsent(long requestId, Xid xid, Effects out) {
    Absent a = Absent.resolve(xid, epoch, lastMinted, log);
    Answer answer =
        switch (a.kind()) {
          case LOGGED ->
              a.logged().hasCommitPoint()
                  ? committedFailure(xid)
                  : new Status(xid, a.logged().status(), Outcome.ABORT);
          case PRESUMED_ABORTED -> new Status(xid, TxStatus.ABORTED, Outcome.ABORT);
          default -> absentFailure(xid, a);
        };
    reply(out, requestId, answer);
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
    String bad = checkBranchName("endpoint", endpoint);
    bad = bad != null ? bad : checkBranchName("resource", resource);
    if (bad != null) {
      reply(out, requestId, invalid(bad));
      return;
    }
    Tx tx = txs.get(xid);
    if (tx == null) {
      registerAbsent(requestId, xid, out);
      return;
    }
    if (tx.status == TxStatus.ACTIVE && now >= tx.deadlineMillis) {
      abort(tx, "deadline passed", now, out);
    }
    if (tx.status != TxStatus.ACTIVE) {
      reply(out, requestId, new Failure(ErrorCode.NOT_ACTIVE, notActiveWhy(tx)));
      reschedule(tx);
      return;
    }
    int id = tx.branchIdOf(endpoint, resource);
    if (id == 0) {
      if (tx.branches.size() >= config.maxBranchesPerTx()) {
        reply(
            out,
            requestId,
            new Failure(
                ErrorCode.OVERLOADED,
                "transaction "
                    + xid
                    + " already has "
                    + tx.branches.size()
                    + " branches, the most allowed per transaction",
                config.overloadRetryAfterMillis()));
        return;
      }
      id = tx.addBranch(endpoint, resource).id();
      tx.event("BRANCH_REGISTERED", now, "branch " + id + ": " + resource + " at " + endpoint);
    }
    reply(out, requestId, new Registered(id, tx.protocol, tx.deadlineMillis));
  }

  private static String checkBranchName(String what, String value) {
    if (value == null || value.isBlank()) {
      return what + " is required";
    }
    if (value.length() > MAX_BRANCH_NAME_CHARS) {
      return what + " is longer than " + MAX_BRANCH_NAME_CHARS + " characters";
    }
    return null;
  }

  private static String notActiveWhy(Tx tx) {
    String why =
        switch (tx.status) {
          case PREPARING -> "is preparing (its commit was requested): no branch may join now";
          case ABORTING, ABORTED ->
              tx.abortReason.equals("deadline passed")
                  ? "passed its deadline and was aborted"
                  : "is aborted (" + tx.abortReason + ")";
          default -> "is already decided (" + tx.displayStatus() + ")";
        };
    return "transaction " + tx.xid + " " + why + "; roll back your local work";
  }

  private void registerAbsent(long requestId, Xid xid, Effects out) {
    Absent a = Absent.resolve(xid, epoch, lastMinted, log);
    Answer answer =
        switch (a.kind()) {
          case LOGGED ->
              new Failure(
                  ErrorCode.NOT_ACTIVE,
                  "transaction "
                      + xid
                      + " is already decided ("
                      + a.logged().status()
                      + "); roll back your local work");
          case PRESUMED_ABORTED ->
              new Failure(
                  ErrorCode.NOT_ACTIVE,
                  "transaction "
                      + xid
                      + " is aborted (no commit point was logged: presumed abort);"
                      + " roll back your local work");
          default -> absentFailure(xid, a);
        };
    reply(out, requestId, answer);
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
    Tx tx = txs.get(xid);
    if (tx != null) {
      reply(out, requestId, new Status(xid, tx.displayStatus(), tx.outcome()));
      return;
    }
    Absent a = Absent.resolve(xid, epoch, lastMinted, log);
    Answer answer =
        switch (a.kind()) {
          case LOGGED -> new Status(xid, a.logged().status(), a.logged().outcome());
          case PRESUMED_ABORTED -> new Status(xid, TxStatus.ABORTED, Outcome.ABORT);
          default -> absentFailure(xid, a);
        };
    reply(out, requestId, answer);
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
      reply(out, requestId, invalid("the kind of heuristic outcome is required"));
      return;
    }
    String d = detail == null ? "" : detail;
    if (d.length() > MAX_BRANCH_NAME_CHARS) {
      d = d.substring(0, MAX_BRANCH_NAME_CHARS);
    }
    Tx tx = txs.get(xid);
    if (tx == null) {
      Absent a = Absent.resolve(xid, epoch, lastMinted, log);
      if (a.kind() != Absent.Kind.LOGGED && a.kind() != Absent.Kind.PRESUMED_ABORTED) {
        reply(out, requestId, absentFailure(xid, a));
        return;
      }
    } else {
      if (!tx.branches.containsKey(branchId)) {
        reply(
            out,
            requestId,
            invalid("branch " + branchId + " is not registered in transaction " + xid));
        return;
      }
      boolean undecided = tx.status == TxStatus.ACTIVE || tx.status == TxStatus.PREPARING;
      if (kind == HeuristicKind.ABORTED_UNILATERALLY && undecided && !tx.commitPointProposed) {
        abort(tx, "branch " + branchId + " aborted unilaterally: " + d, now, out);
        reschedule(tx);
      }
    }
    proposeHeuristic(new Pending.Heuristic(xid, branchId, kind, d, requestId), now, out);
  }

  // ---- results of commands ----

  /** A participant answered PREPARE or CAN_COMMIT. Late, duplicate or unknown votes are ignored. */
  public void voteReceived(Xid xid, int branchId, Vote vote, String reason, long now, Effects out) {
    Tx tx = leader && xid != null ? txs.get(xid) : null;
    Branch b = tx == null ? null : tx.branches.get(branchId);
    if (b == null
        || vote == null
        || tx.status != TxStatus.PREPARING
        || tx.commitPointProposed
        || b.vote != null) {
      return;
    }
    b.vote = vote;
    if (vote == Vote.NO) {
      b.status = BranchStatus.VOTED_NO;
      String why = reason == null || reason.isEmpty() ? "no reason given" : reason;
      abort(tx, "branch " + branchId + " voted NO: " + why, now, out);
    } else {
      b.status = BranchStatus.VOTED_YES;
      if (tx.allVoted()) {
        tx.event("VOTES_COLLECTED", now, "all " + tx.branches.size() + " voted YES");
        tryDecide(tx, now, out);
      }
    }
    reschedule(tx);
  }

  /**
   * A participant acknowledged PRE_COMMIT, COMMIT or ABORT; {@code reported} is the state it says
   * the branch is in (a HEURISTIC_* state counts as a heuristic report).
   */
  public void ackReceived(
      Xid xid, int branchId, Phase phase, BranchStatus reported, long now, Effects out) {
    Tx tx = leader && xid != null ? txs.get(xid) : null;
    Branch b = tx == null ? null : tx.branches.get(branchId);
    if (b == null || phase == null || b.phase != phase || !b.awaitingAck()) {
      return; // late, duplicate or unknown
    }
    b.acked = true;
    b.resendAtMillis = 0;
    HeuristicKind kind = heuristicOf(reported);
    if (kind != null) {
      b.status = reported;
      proposeHeuristic(
          new Pending.Heuristic(
              xid,
              branchId,
              kind,
              "reported with the " + phase + " acknowledgement",
              Pending.Heuristic.NO_REQUEST),
          now,
          out);
    } else {
      b.status =
          switch (phase) {
            case PRE_COMMIT -> BranchStatus.PRECOMMITTED;
            case COMMIT -> BranchStatus.COMMITTED;
            default -> BranchStatus.ABORTED;
          };
    }
    if (phase == Phase.COMMIT && tx.backlogHeld > 0) {
      tx.backlogHeld--;
      backlog--;
    }
    advance(tx, now, out);
    reschedule(tx);
  }

  private static HeuristicKind heuristicOf(BranchStatus s) {
    if (s == null) {
      return null;
    }
    return switch (s) {
      case HEURISTIC_COMMIT -> HeuristicKind.COMMITTED_UNILATERALLY;
      case HEURISTIC_ABORT -> HeuristicKind.ABORTED_UNILATERALLY;
      case HEURISTIC_HAZARD -> HeuristicKind.HAZARD;
      default -> null;
    };
  }

  /** A Send could not be delivered (after the runtime's own retries, for phase 2). */
  public void deliveryFailed(
      Xid xid, int branchId, Phase phase, String why, long now, Effects out) {
    Tx tx = leader && xid != null ? txs.get(xid) : null;
    Branch b = tx == null ? null : tx.branches.get(branchId);
    if (b == null || phase == null) {
      return;
    }
    if (phase.isVote()) {
      if (tx.status == TxStatus.PREPARING
          && !tx.commitPointProposed
          && b.vote == null
          && phase == tx.votePhase()) {
        abort(
            tx,
            "could not deliver "
                + phase
                + " to branch "
                + branchId
                + " at "
                + b.ref.endpoint()
                + ": "
                + why,
            now,
            out);
        reschedule(tx);
      }
      return;
    }
    if (b.phase != phase || !b.awaitingAck() || b.resendAtMillis > 0) {
      return;
    }
    if (phase == Phase.ABORT && b.attempts >= config.abortAttempts()) {
      b.givenUp = true; // the participant finds out by asking or by its own deadline
      tx.event("ABORT_GIVEN_UP", now, "branch " + branchId + " after " + b.attempts + " attempts");
      advance(tx, now, out);
    } else {
      b.resendAtMillis = now + b.retryDelayMillis;
      b.retryDelayMillis = Math.min(2 * b.retryDelayMillis, config.phase2RetryMaxMillis());
    }
    reschedule(tx);
  }

  /** A proposal is committed on a quorum and applied to the local decision log. */
  public void recordDurable(long proposalId, long now, Effects out) {
    Pending p = leader ? pending.remove(proposalId) : null;
    if (p == null) {
      return;
    }
    if (p instanceof Pending.CommitPoint c) {
      commitPointDurable(txs.get(c.xid()), now, out);
    } else if (p instanceof Pending.Completed c) {
      for (Xid x : c.xids()) {
        Tx tx = txs.get(x);
        if (tx != null) {
          tx.event("COMPLETED", now, "");
        }
      }
    } else if (p instanceof Pending.Heuristic h) {
      heuristicDurable(h, now, out);
    } else {
      forgetInFlight = false;
    }
  }

  /**
   * A proposal failed. {@code mayBeLogged} false: it was certainly not proposed (e.g. overload, not
   * leader); true: leadership was lost with it in flight, so a later leader may still commit it and
   * nothing may be decided against it.
   */
  public void recordFailed(
      long proposalId, boolean mayBeLogged, String why, long now, Effects out) {
    Pending p = leader ? pending.remove(proposalId) : null;
    if (p == null) {
      return;
    }
    if (p instanceof Pending.CommitPoint c) {
      commitPointFailed(txs.get(c.xid()), mayBeLogged, now, out);
    } else if (p instanceof Pending.Completed c) {
      // Not completed in the log yet: propose these again with the next batch.
      if (completedQueue.isEmpty()) {
        completedQueuedSinceMillis = now;
      }
      completedQueue.addAll(0, c.xids());
    } else if (p instanceof Pending.Heuristic h) {
      heuristicFailed(h, mayBeLogged, why, out);
    } else {
      forgetInFlight = false;
    }
  }

  /** Time passed: deadlines, vote timeouts, phase-2 re-sends, Completed batches, retention. */
  public void tick(long now, Effects out) {
    if (!leader) {
      return;
    }
    for (Xid xid : wakes.due(now)) {
      Tx tx = txs.get(xid);
      if (tx != null) {
        tx.wakeAtMillis = 0;
        wake(tx, now, out);
        reschedule(tx);
      }
    }
    if (!completedQueue.isEmpty()
        && now - completedQueuedSinceMillis >= config.completedFlushMillis()) {
      flushCompleted(now, out);
    }
    if (!heuristicRetries.isEmpty()) {
      List<Pending.Heuristic> retry = List.copyOf(heuristicRetries);
      heuristicRetries.clear();
      retry.forEach(h -> proposeHeuristic(h, now, out));
    }
    evictExpired(now);
    if (config.retentionMillis() > 0
        && !forgetInFlight
        && now >= nextForgetAtMillis
        && now - config.retentionMillis() > 0) {
      nextForgetAtMillis = now + forgetIntervalMillis();
      forgetInFlight = true;
      propose(new Pending.Forget(), new ForgetRecord(now - config.retentionMillis()), out);
    }
  }

  // ---- reads ----

  /** The transaction as this engine holds it in memory, or null (then ask the log). */
  public TxView view(Xid xid) {
    Tx tx = xid == null ? null : txs.get(xid);
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
    List<TxView> views = new ArrayList<>();
    int skipped = 0;
    for (Tx tx : txs.descendingMap().values()) {
      if (views.size() >= limit) {
        break;
      }
      if (status == null || tx.displayStatus() == status) {
        if (skipped < offset) {
          skipped++;
        } else {
          views.add(tx.view());
        }
      }
    }
    return views;
  }

  /** Counters and gauges for metrics. */
  public EngineStats stats() {
    return new EngineStats(
        begun2pc,
        begun3pc,
        committed2pc,
        committed3pc,
        aborted2pc,
        aborted3pc,
        heuristicCount,
        heuristicMixed,
        inFlight(),
        backlog,
        finished.size());
  }

  // ---- phase 1 and the decision ----

  private void startPhase1(Tx tx, long now, Effects out) {
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
      tryDecide(tx, now, out);
    }
  }

  /** Every branch voted YES: propose the commit point unless the phase-2 backlog is full. */
  private void tryDecide(Tx tx, long now, Effects out) {
    int n = tx.branches.size();
    if (n > 0 && backlog + n > config.maxPhase2Backlog()) {
      for (Tx.Waiter w : tx.commitWaiters) {
        reply(
            out,
            w.requestId(),
            new Failure(
                ErrorCode.OVERLOADED,
                "the phase-2 backlog is full; transaction "
                    + tx.xid
                    + " stays PREPARING until its deadline, commit again later",
                config.overloadRetryAfterMillis()));
      }
      tx.commitWaiters.clear();
      tx.decideRetryAtMillis = now + Math.max(1, config.overloadRetryAfterMillis());
      return;
    }
    tx.decideRetryAtMillis = 0;
    tx.commitPointProposed = true;
    tx.decidedAtMillis = now;
    holdBacklog(tx);
    proposeCommitPoint(tx, now, out);
  }

  private void proposeCommitPoint(Tx tx, long now, Effects out) {
    LogRecord record =
        tx.protocol == TxProtocol.TWO_PHASE
            ? new DecisionRecord(
                tx.xid, tx.branchRefs(), tx.decidedAtMillis, tx.name, tx.begunAtMillis)
            : new PreCommitRecord(
                tx.xid, tx.branchRefs(), tx.decidedAtMillis, tx.name, tx.begunAtMillis);
    tx.commitPointProposalId = propose(new Pending.CommitPoint(tx.xid), record, out);
  }

  private void commitPointDurable(Tx tx, long now, Effects out) {
    tx.commitPointProposalId = 0;
    tx.commitPointDurable = true;
    tx.status = TxStatus.COMMITTING;
    if (tx.protocol == TxProtocol.TWO_PHASE) {
      committed2pc++;
    } else {
      committed3pc++;
    }
    tx.event(logEvent(tx), now, "");
    countMixed(tx);
    // Phase 2 first: without branches it finishes at once and the answer says COMMITTED.
    startPhase2(tx, now, out);
    for (Iterator<Tx.Waiter> it = tx.commitWaiters.iterator(); it.hasNext(); ) {
      Tx.Waiter w = it.next();
      if (!w.waitForCompletion()) {
        reply(out, w.requestId(), new Status(tx.xid, tx.displayStatus(), Outcome.COMMIT));
        it.remove();
      }
    }
    tx.rollbackWaiters.forEach(r -> reply(out, r, committedFailure(tx.xid)));
    tx.rollbackWaiters.clear();
    reschedule(tx);
  }

  private void commitPointFailed(Tx tx, boolean mayBeLogged, long now, Effects out) {
    tx.commitPointProposalId = 0;
    if (mayBeLogged) {
      tx.outcomeUnknown = true;
      tx.commitWaiters.forEach(w -> reply(out, w.requestId(), outcomeUnknown(tx)));
      tx.rollbackWaiters.forEach(r -> reply(out, r, outcomeUnknown(tx)));
      tx.commitWaiters.clear();
      tx.rollbackWaiters.clear();
    } else {
      // Certainly not logged, but already promised not to abort: propose it again later.
      tx.decideRetryAtMillis = now + Math.max(1, config.overloadRetryAfterMillis());
    }
    reschedule(tx);
  }

  // ---- phase 2 and abort ----

  private void startPhase2(Tx tx, long now, Effects out) {
    sendToAll(tx, tx.protocol == TxProtocol.TWO_PHASE ? Phase.COMMIT : Phase.PRE_COMMIT, out);
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
      for (Tx.Waiter w : tx.commitWaiters) {
        reply(out, w.requestId(), new Status(tx.xid, tx.displayStatus(), Outcome.COMMIT));
      }
      tx.commitWaiters.clear();
      queueCompleted(tx.xid, now, out);
      finish(tx, now);
    } else if (tx.status == TxStatus.ABORTING) {
      tx.status = TxStatus.ABORTED;
      tx.event("ABORT_ACKED", now, "");
      finish(tx, now);
    }
  }

  /**
   * Decides ABORT: allowed only before the commit point is proposed. Tells every branch, including
   * those that voted NO or never voted.
   */
  private void abort(Tx tx, String reason, long now, Effects out) {
    if (tx.commitPointProposed
        || (tx.status != TxStatus.ACTIVE && tx.status != TxStatus.PREPARING)) {
      throw new IllegalStateException(
          "abort of " + tx.xid + " in " + tx.status + " after its commit point was proposed");
    }
    tx.status = TxStatus.ABORTING;
    tx.abortReason = reason;
    tx.decideRetryAtMillis = 0;
    if (tx.protocol == TxProtocol.TWO_PHASE) {
      aborted2pc++;
    } else {
      aborted3pc++;
    }
    tx.event("ABORT_DECIDED", now, reason);
    countMixed(tx);
    for (Tx.Waiter w : tx.commitWaiters) {
      reply(out, w.requestId(), aborted(tx));
    }
    tx.commitWaiters.clear();
    sendToAll(tx, Phase.ABORT, out);
    advance(tx, now, out);
  }

  /** Timers of one transaction came due. */
  private void wake(Tx tx, long now, Effects out) {
    switch (tx.status) {
      case ACTIVE -> {
        if (now >= tx.deadlineMillis) {
          abort(tx, "deadline passed", now, out);
        }
      }
      case PREPARING -> {
        if (tx.outcomeUnknown) {
          return;
        }
        if (tx.commitPointProposed) {
          if (tx.commitPointProposalId == 0 && due(tx.decideRetryAtMillis, now)) {
            tx.decideRetryAtMillis = 0;
            proposeCommitPoint(tx, now, out);
          }
        } else if (!tx.allVoted() && now >= tx.voteDeadlineMillis) {
          abort(tx, voteTimeoutReason(tx), now, out);
        } else if (now >= tx.deadlineMillis) {
          abort(tx, "deadline passed", now, out);
        } else if (tx.allVotedYes() && due(tx.decideRetryAtMillis, now)) {
          tryDecide(tx, now, out);
        }
      }
      case COMMITTING, ABORTING -> {
        for (Branch b : tx.branches.values()) {
          if (b.awaitingAck() && due(b.resendAtMillis, now)) {
            send(tx, b, out);
          }
        }
      }
      default -> {}
    }
  }

  private static boolean due(long atMillis, long now) {
    return atMillis > 0 && now >= atMillis;
  }

  private static String voteTimeoutReason(Tx tx) {
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

  /** When {@code tx} next needs a {@link #wake}, or 0. */
  private static long nextWake(Tx tx) {
    return switch (tx.status) {
      case ACTIVE -> tx.deadlineMillis;
      case PREPARING -> {
        if (tx.outcomeUnknown) {
          yield 0;
        }
        if (tx.commitPointProposed) {
          yield tx.commitPointProposalId == 0 ? tx.decideRetryAtMillis : 0;
        }
        long at = tx.allVoted() ? tx.deadlineMillis : tx.voteDeadlineMillis;
        yield tx.decideRetryAtMillis > 0 ? Math.min(at, tx.decideRetryAtMillis) : at;
      }
      case COMMITTING, ABORTING ->
          tx.branches.values().stream()
              .filter(b -> b.awaitingAck() && b.resendAtMillis > 0)
              .mapToLong(b -> b.resendAtMillis)
              .min()
              .orElse(0);
      default -> 0;
    };
  }

  private void reschedule(Tx tx) {
    if (txs.get(tx.xid) == tx) {
      wakes.schedule(tx, nextWake(tx));
    }
  }

  // ---- completion, heuristics, retention ----

  private void queueCompleted(Xid xid, long now, Effects out) {
    if (completedQueue.isEmpty()) {
      completedQueuedSinceMillis = now;
    }
    completedQueue.add(xid);
    if (completedQueue.size() >= config.completedBatchMax()) {
      flushCompleted(now, out);
    }
  }

  private void flushCompleted(long now, Effects out) {
    while (!completedQueue.isEmpty()) {
      int n = Math.min(completedQueue.size(), config.completedBatchMax());
      List<Xid> batch = List.copyOf(completedQueue.subList(0, n));
      completedQueue.subList(0, n).clear();
      propose(new Pending.Completed(batch), new CompletedRecord(batch, now), out);
    }
  }

  private void proposeHeuristic(Pending.Heuristic h, long now, Effects out) {
    propose(h, new HeuristicRecord(h.xid(), h.branchId(), h.kind(), h.detail(), now), out);
  }

  private void heuristicDurable(Pending.Heuristic h, long now, Effects out) {
    heuristicCount++;
    Tx tx = txs.get(h.xid());
    Outcome decided;
    boolean mixed;
    if (tx != null) {
      tx.heuristics.add(h.kind());
      Branch b = tx.branches.get(h.branchId());
      if (b != null) {
        b.status = h.kind().branchStatus();
      }
      tx.event(
          "HEURISTIC_REPORTED", now, "branch " + h.branchId() + ": " + h.kind() + " " + h.detail());
      countMixed(tx);
      decided = tx.outcome();
      mixed = tx.mixed();
    } else {
      LoggedTx t = log.find(h.xid());
      decided = t == null ? Outcome.ABORT : t.outcome();
      mixed = t == null ? h.kind().contradicts(Outcome.ABORT) : t.mixed();
      if (mixed && (t == null || t.heuristics().size() <= 1)) {
        heuristicMixed++; // the first contradicting report makes it mixed
      }
    }
    if (h.hasRequest()) {
      reply(out, h.requestId(), new HeuristicRecorded(decided, mixed));
    }
  }

  private void heuristicFailed(Pending.Heuristic h, boolean mayBeLogged, String why, Effects out) {
    if (!h.hasRequest()) {
      heuristicRetries.add(h); // no one to tell: never drop a heuristic report
    } else if (mayBeLogged) {
      reply(
          out,
          h.requestId(),
          new Failure(
              ErrorCode.OUTCOME_UNKNOWN,
              "leadership was lost while recording the report; report it again"));
    } else {
      reply(
          out,
          h.requestId(),
          new Failure(
              ErrorCode.OVERLOADED,
              "the report could not be recorded (" + why + "); report it again",
              config.overloadRetryAfterMillis()));
    }
  }

  private void countMixed(Tx tx) {
    if (!tx.mixedCounted && tx.mixed()) {
      tx.mixedCounted = true;
      heuristicMixed++;
    }
  }

  private void finish(Tx tx, long now) {
    tx.finishedAtMillis = now;
    wakes.cancel(tx);
    finished.put(tx.xid, tx);
    while (finished.size() > config.maxRetainedInMemory()) {
      evictOldest();
    }
  }

  private void evictExpired(long now) {
    while (!finished.isEmpty()
        && finished.values().iterator().next().finishedAtMillis + config.retentionMillis() <= now) {
      evictOldest();
    }
  }

  private void evictOldest() {
    Iterator<Tx> it = finished.values().iterator();
    Tx oldest = it.next();
    it.remove();
    txs.remove(oldest.xid);
  }

  /** How often the leader proposes a Forget: a tenth of the retention, at least once a second. */
  private long forgetIntervalMillis() {
    return Math.max(1, Math.min(config.retentionMillis() / 10, 1_000));
  }

  // ---- helpers ----

  private void holdBacklog(Tx tx) {
    tx.backlogHeld = tx.branches.size();
    backlog += tx.backlogHeld;
  }

  private long propose(Pending p, LogRecord record, Effects out) {
    long id = nextProposalId++;
    pending.put(id, p);
    out.add(new Command.Propose(id, record));
    return id;
  }

  private int inFlight() {
    return txs.size() - finished.size();
  }

  private boolean addCommitWaiter(Tx tx, long requestId, boolean wait, Effects out) {
    if (tx.commitWaiters.size() >= MAX_WAITERS_PER_TX) {
      reply(out, requestId, tooManyWaiters(tx));
      return false;
    }
    tx.commitWaiters.add(new Tx.Waiter(requestId, wait));
    return true;
  }

  /** Answers NOT_LEADER or INVALID_ARGUMENT and returns false when the request cannot proceed. */
  private boolean checkRequest(long requestId, Xid xid, Effects out) {
    if (!leader) {
      reply(out, requestId, notLeader());
      return false;
    }
    if (xid == null) {
      reply(out, requestId, invalid("xid is required"));
      return false;
    }
    return true;
  }

  private static String logEvent(Tx tx) {
    return tx.protocol == TxProtocol.TWO_PHASE ? "DECISION_LOGGED" : "PRECOMMIT_LOGGED";
  }

  private static void reply(Effects out, long requestId, Answer answer) {
    out.add(new Command.Reply(requestId, answer));
  }

  private static Failure notLeader() {
    return new Failure(ErrorCode.NOT_LEADER, "this node is not the leader; ask the leader");
  }

  private static Failure invalid(String message) {
    return new Failure(ErrorCode.INVALID_ARGUMENT, message);
  }

  private Failure tooManyWaiters(Tx tx) {
    return new Failure(
        ErrorCode.OVERLOADED,
        MAX_WAITERS_PER_TX + " requests already wait on transaction " + tx.xid + "; retry later",
        config.overloadRetryAfterMillis());
  }

  private static Failure aborted(Tx tx) {
    return new Failure(
        ErrorCode.TX_ABORTED, "transaction " + tx.xid + " aborted: " + tx.abortReason);
  }

  private static Failure presumedAbortFailure(Xid xid) {
    return new Failure(
        ErrorCode.TX_ABORTED,
        "transaction " + xid + " aborted: no commit point was logged (presumed abort)");
  }

  private static Failure committedFailure(Xid xid) {
    return new Failure(
        ErrorCode.TX_COMMITTED,
        "transaction "
            + xid
            + " is committed (its commit point is logged); it cannot be rolled back");
  }

  private static Failure outcomeUnknown(Tx tx) {
    return new Failure(
        ErrorCode.OUTCOME_UNKNOWN,
        "leadership was lost while the commit point of "
            + tx.xid
            + " was being logged; ask again, the next leader knows the outcome");
  }

  /** The failure for an absent xid that is neither logged nor presumed aborted. */
  private static Failure absentFailure(Xid xid, Absent a) {
    return switch (a.kind()) {
      case FORGOTTEN ->
          new Failure(
              ErrorCode.NO_LONGER_RETAINED,
              "transaction "
                  + xid
                  + " finished longer ago than the retention period; its outcome is not kept");
      case NEWER_EPOCH ->
          new Failure(
              ErrorCode.NOT_LEADER,
              "transaction " + xid + " is of a newer epoch; this node no longer leads");
      default -> new Failure(ErrorCode.NOT_FOUND, "no transaction " + xid + " was ever begun");
    };
  }
}
