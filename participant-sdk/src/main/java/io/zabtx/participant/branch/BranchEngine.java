package io.zabtx.participant.branch;

import io.zabtx.participant.branch.Branch.Request;
import io.zabtx.participant.branch.Branch.Step;
import io.zabtx.participant.branch.BranchCommand.Ack;
import io.zabtx.participant.branch.BranchCommand.Forget;
import io.zabtx.participant.branch.BranchCommand.LocalCommit;
import io.zabtx.participant.branch.BranchCommand.LocalRollback;
import io.zabtx.participant.branch.BranchCommand.Persist;
import io.zabtx.participant.branch.BranchCommand.QueryOutcome;
import io.zabtx.participant.branch.BranchCommand.Reject;
import io.zabtx.participant.branch.BranchCommand.ReportHeuristic;
import io.zabtx.participant.branch.BranchCommand.Vote;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The branches of one participant as a pure state machine (DESIGN.md §4.1).
 *
 * <p>Events come in through the methods (local work, phase messages, results of durable steps,
 * cluster answers, {@link #tick}); what must happen goes out as {@link BranchCommand}s appended to
 * a {@link BranchEffects}. Each branch has at most one durable step in flight (a {@link Persist},
 * {@link LocalCommit} or {@link LocalRollback}); phase messages arriving meanwhile wait, and every
 * waiting message is answered from the state the step made durable, so no vote or acknowledgement
 * leaves before the state it reports is durable.
 *
 * <p>Deadlines: an ACTIVE branch past its deadline is rolled back (no YES was given). PREPARED,
 * READY and PRECOMMITTED branches past their deadline ask the cluster, with a per-branch backoff
 * doubling from {@code queryMinBackoffMillis} to {@code queryMaxBackoffMillis}. A PREPARED branch
 * never decides alone. A READY branch aborts alone (HEURISTIC_ABORT) and a PRECOMMITTED branch
 * commits alone (HEURISTIC_COMMIT) once {@code now >= max(deadline, last UNDECIDED answer) +
 * heuristicAfterMillis} with no decision; the heuristic is reported until acknowledged.
 *
 * <p>Every method takes {@code now}, the injected clock in milliseconds. Iteration is in {@link
 * BranchKey} order. Threading: not thread-safe; one thread drives it. A result event for a step the
 * engine did not ask for is rejected with {@link IllegalStateException} and changes nothing.
 */
public final class BranchEngine {

  private final BranchConfig config;
  private final TreeMap<BranchKey, Branch> branches = new TreeMap<>();

  /**
   * @param config limits and timings
   */
  public BranchEngine(BranchConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  // ---- queries ----

  /** The durable state of {@code key}, empty if unknown (or its first row is still in flight). */
  public Optional<BranchState> state(BranchKey key) {
    Branch b = branches.get(key);
    return b == null ? Optional.empty() : Optional.ofNullable(b.state);
  }

  /** How many branches are tracked (finished ones still retained included). */
  public int size() {
    return branches.size();
  }

  // ---- local work ----

  /**
   * May local work for branch {@code (xid, branchId)} run now? Refused when the xid was aborted
   * (abort before work: hanging) or has already voted, when the branch's deadline passed, and when
   * {@code maxBranches} are tracked. Changes nothing.
   */
  public Admission admitWork(String xid, int branchId, long now) {
    BranchKey key = new BranchKey(xid, branchId);
    for (Branch other : ofXid(xid)) {
      if (other.state != BranchState.ACTIVE || other.busy()) {
        String what =
            other.state == null || other.busy()
                ? "voting or being aborted (" + other.key + ")"
                : "already " + other.state + " (" + other.key + ")";
        return Admission.refused("global transaction " + xid + " is " + what + ": work refused");
      }
    }
    Branch b = branches.get(key);
    if (b != null && now >= b.deadlineMillis) {
      return Admission.refused("branch " + key + " passed its deadline: work refused");
    }
    if (b == null && branches.size() >= config.maxBranches()) {
      return Admission.refused(
          "participant tracks its maximum of "
              + config.maxBranches()
              + " branches: new global work refused until some finish");
    }
    return Admission.ALLOWED;
  }

  /**
   * Local work of {@code key} committed, with its branch row (ACTIVE, {@code deadlineMillis}) in
   * the same local transaction: the branch is ACTIVE. Work that committed although its xid was
   * aborted meanwhile (a race with {@link #admitWork}) is rolled back at once.
   *
   * @throws IllegalStateException if the branch already voted or its protocol differs
   */
  public void workCommitted(
      BranchKey key, BranchProtocol protocol, long deadlineMillis, long now, BranchEffects out) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(protocol, "protocol");
    Branch b = branches.get(key);
    if (b != null && b.protocol != protocol) {
      throw new IllegalStateException(
          "branch " + key + " runs " + b.protocol + ", local work reported " + protocol);
    }
    if (b != null && (b.state == BranchState.ABORTED || b.state == null)) {
      b.hangingWork = true;
      resumeIfIdle(b, now, out);
      return;
    }
    if (b != null && b.state != BranchState.ACTIVE) {
      throw new IllegalStateException(
          "local work committed for branch " + key + " which is already " + b.state);
    }
    boolean xidRefused = admitsNoWork(key.xid());
    if (b == null) {
      b = new Branch(key, protocol, BranchState.ACTIVE, deadlineMillis);
      resetQueries(b);
      branches.put(key, b);
    } else {
      b.deadlineMillis = deadlineMillis;
      resetQueries(b);
    }
    if (xidRefused && !b.busy()) {
      startRollback(b, BranchState.ABORTED, out);
    }
  }

  // ---- phase messages ----

  /**
   * A phase message from the coordinator, request {@code requestId}; answered exactly once with a
   * {@link Vote}, {@link Ack} or {@link Reject}, possibly after a durable step.
   */
  public void phase(
      long requestId,
      BranchKey key,
      BranchProtocol protocol,
      Phase phase,
      long now,
      BranchEffects out) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(phase, "phase");
    Request r = new Request(requestId, protocol, phase);
    if ((phase == Phase.PREPARE && protocol != BranchProtocol.TWO_PC)
        || ((phase == Phase.CAN_COMMIT || phase == Phase.PRE_COMMIT)
            && protocol != BranchProtocol.THREE_PC)) {
      reject(r, key, phase + " is not a message of " + protocol, out);
      return;
    }
    Branch b = branches.get(key);
    if (b == null) {
      unknownBranch(r, key, now, out);
      return;
    }
    if (b.protocol != protocol) {
      reject(r, key, "branch runs " + b.protocol + ", message is " + protocol, out);
      return;
    }
    if (b.busy()) {
      hold(b, r, out);
      return;
    }
    if (b.state == BranchState.ACTIVE && now >= b.deadlineMillis) {
      // The deadline passed before the sweeper ran: abort first, then answer from ABORTED.
      startRollback(b, BranchState.ABORTED, out);
      hold(b, r, out);
      return;
    }
    answer(b, r, out);
  }

  private void unknownBranch(Request r, BranchKey key, long now, BranchEffects out) {
    if (r.phase() == Phase.PRE_COMMIT || r.phase() == Phase.COMMIT) {
      reject(r, key, "unknown branch: no local work was recorded for it", out);
      return;
    }
    if (branches.size() >= config.maxBranches()) {
      reject(
          r, key, "participant tracks its maximum of " + config.maxBranches() + " branches", out);
      return;
    }
    // Null rollback (abort) or a vote for work that never arrived: record an ABORTED tombstone so
    // that the late work is refused (hanging), and answer once it is durable.
    Branch b = new Branch(key, r.protocol(), null, now);
    branches.put(key, b);
    startStep(b, Step.PERSIST, BranchState.ABORTED, out);
    out.add(new Persist(key, b.protocol, BranchState.ABORTED, now));
    b.waiting.add(r);
  }

  private void answer(Branch b, Request r, BranchEffects out) {
    BranchState s = b.state;
    Phase p = r.phase();
    switch (s) {
      case ACTIVE -> {
        switch (p) {
          case PREPARE -> persistThenAnswer(b, BranchState.PREPARED, r, out);
          case CAN_COMMIT -> persistThenAnswer(b, BranchState.READY, r, out);
          case ABORT -> {
            startRollback(b, BranchState.ABORTED, out);
            b.waiting.add(r);
          }
          default -> reject(r, b.key, p + " before any YES vote", out);
        }
      }
      case PREPARED, READY, PRECOMMITTED -> {
        switch (p) {
          case PREPARE, CAN_COMMIT -> out.add(new Vote(r.requestId(), b.key, true, ""));
          case PRE_COMMIT -> {
            if (s == BranchState.PRECOMMITTED) {
              out.add(new Ack(r.requestId(), b.key, s));
            } else {
              persistThenAnswer(b, BranchState.PRECOMMITTED, r, out);
            }
          }
          case COMMIT -> {
            startCommit(b, BranchState.COMMITTED, out);
            b.waiting.add(r);
          }
          case ABORT -> {
            if (s == BranchState.PRECOMMITTED) {
              reject(r, b.key, "abort after preCommit: the commit point is logged", out);
            } else {
              startRollback(b, BranchState.ABORTED, out);
              b.waiting.add(r);
            }
          }
        }
      }
      default -> {
        if (p.isVote()) {
          boolean yes = s.votedYes();
          out.add(new Vote(r.requestId(), b.key, yes, yes ? "" : "branch is " + s));
        } else {
          out.add(new Ack(r.requestId(), b.key, s));
        }
      }
    }
  }

  // ---- results of durable steps ----

  /** The {@link Persist} of {@code key} is durable. */
  public void persisted(BranchKey key, long now, BranchEffects out) {
    Branch b = expectStep(key, Step.PERSIST);
    finishStep(b, b.stepTarget, now, out);
  }

  /** The {@link LocalCommit} of {@code key} is durable. */
  public void localCommitted(BranchKey key, long now, BranchEffects out) {
    Branch b = expectStep(key, Step.COMMIT);
    finishStep(b, b.stepTarget, now, out);
  }

  /** The {@link LocalRollback} of {@code key} restored every row and is durable. */
  public void rolledBack(BranchKey key, long now, BranchEffects out) {
    Branch b = expectStep(key, Step.ROLLBACK);
    finishStep(b, b.stepTarget, now, out);
  }

  /**
   * The {@link LocalRollback} of {@code key} found a row that differs from its after image; nothing
   * was restored and the branch row is durably HEURISTIC_HAZARD.
   */
  public void rollbackHazard(BranchKey key, long now, BranchEffects out) {
    Branch b = expectStep(key, Step.ROLLBACK);
    finishStep(b, BranchState.HEURISTIC_HAZARD, now, out);
  }

  /** The {@link Persist} of {@code key} failed: nothing changed, waiting messages are rejected. */
  public void persistFailed(BranchKey key, String reason, long now, BranchEffects out) {
    failStep(expectStep(key, Step.PERSIST), reason, now, out);
  }

  /** The local commit or rollback of {@code key} failed and changed nothing; retried later. */
  public void localStepFailed(BranchKey key, String reason, long now, BranchEffects out) {
    Branch b = branches.get(key);
    if (b == null || (b.step != Step.COMMIT && b.step != Step.ROLLBACK)) {
      throw new IllegalStateException("no local commit or rollback in flight for " + key);
    }
    failStep(b, reason, now, out);
  }

  // ---- the cluster ----

  /**
   * The answer to a {@link QueryOutcome} for {@code key}. COMMIT or ABORT decides the branch unless
   * it is already deciding; UNDECIDED and UNREACHABLE ask again after the backoff. An ABORT for a
   * PRECOMMITTED branch contradicts the logged commit point and is not taken as an answer.
   */
  public void outcome(BranchKey key, ClusterOutcome outcome, long now, BranchEffects out) {
    Objects.requireNonNull(outcome, "outcome");
    Branch b = branches.get(key);
    if (b == null) {
      return; // forgotten meanwhile: nothing to decide
    }
    b.queryInFlight = false;
    if (b.busy() || !waitsForOutcome(b.state)) {
      return; // decided meanwhile (a phase message or a heuristic came first)
    }
    if (outcome == ClusterOutcome.COMMIT) {
      startCommit(b, BranchState.COMMITTED, out);
    } else if (outcome == ClusterOutcome.ABORT && b.state != BranchState.PRECOMMITTED) {
      startRollback(b, BranchState.ABORTED, out);
    } else {
      if (outcome == ClusterOutcome.UNDECIDED) {
        b.lastQuorumAnswerMillis = now;
      }
      b.nextQueryAtMillis = now + b.queryBackoffMillis;
      b.queryBackoffMillis = Math.min(2 * b.queryBackoffMillis, config.queryMaxBackoffMillis());
    }
  }

  /** The coordinator acknowledged the heuristic of {@code key}. */
  public void heuristicReported(BranchKey key, long now, BranchEffects out) {
    Branch b = branches.get(key);
    if (b == null || !b.reportInFlight) {
      throw new IllegalStateException("no heuristic report in flight for " + key);
    }
    b.reportInFlight = false;
    b.reportNeeded = false;
    b.terminalSinceMillis = now;
  }

  /** Reporting the heuristic of {@code key} failed; it is reported again after a backoff. */
  public void heuristicReportFailed(BranchKey key, long now, BranchEffects out) {
    Branch b = branches.get(key);
    if (b == null || !b.reportInFlight) {
      throw new IllegalStateException("no heuristic report in flight for " + key);
    }
    b.reportInFlight = false;
    b.nextReportAtMillis = now + b.reportBackoffMillis;
    b.reportBackoffMillis = Math.min(2 * b.reportBackoffMillis, config.queryMaxBackoffMillis());
  }

  // ---- time and restart ----

  /**
   * Applies deadlines, outcome queries, heuristics, report retries and retention at {@code now}.
   */
  public void tick(long now, BranchEffects out) {
    List<Branch> all = new ArrayList<>(branches.values());
    for (Branch b : all) {
      if (b.busy()) {
        continue;
      }
      BranchState s = b.state;
      if (s.isTerminal()) {
        if (b.hangingWork) {
          resumeIfIdle(b, now, out);
        } else if (b.reportNeeded) {
          if (!b.reportInFlight && now >= b.nextReportAtMillis) {
            b.reportInFlight = true;
            out.add(new ReportHeuristic(b.key, s));
          }
        } else if (now - b.terminalSinceMillis >= config.terminalRetentionMillis()) {
          branches.remove(b.key);
          out.add(new Forget(b.key));
        }
      } else if (now >= b.deadlineMillis) {
        if (s == BranchState.ACTIVE) {
          startRollback(b, BranchState.ABORTED, out);
        } else if (s != BranchState.PREPARED && now >= heuristicAt(b)) {
          b.queryInFlight = false; // its answer, if it ever comes, is too late
          if (s == BranchState.READY) {
            startRollback(b, BranchState.HEURISTIC_ABORT, out);
          } else {
            startCommit(b, BranchState.HEURISTIC_COMMIT, out);
          }
        } else if (!b.queryInFlight && now >= b.nextQueryAtMillis) {
          b.queryInFlight = true;
          out.add(new QueryOutcome(b.key));
        }
      }
    }
  }

  /**
   * After a restart: loads the {@code dtx_branch} rows and resumes each branch (deadlines, queries,
   * unreported heuristics) with a {@link #tick} at {@code now}. Only on an empty engine.
   */
  public void recover(List<DurableBranch> rows, long now, BranchEffects out) {
    if (!branches.isEmpty()) {
      throw new IllegalStateException("recover only on a fresh engine; it tracks " + size());
    }
    TreeMap<BranchKey, Branch> loaded = new TreeMap<>();
    for (DurableBranch row : rows) {
      Branch b = new Branch(row.key(), row.protocol(), row.state(), row.deadlineMillis());
      resetQueries(b);
      if (row.state().isTerminal()) {
        b.terminalSinceMillis = now;
        b.reportNeeded = row.state().isHeuristic();
        b.reportBackoffMillis = config.queryMinBackoffMillis();
        b.nextReportAtMillis = now;
      }
      if (loaded.put(row.key(), b) != null) {
        throw new IllegalArgumentException("branch " + row.key() + " appears twice");
      }
    }
    branches.putAll(loaded);
    tick(now, out);
  }

  // ---- internals ----

  /**
   * When a READY or PRECOMMITTED branch decides alone: heuristicAfter after its deadline, or after
   * the last UNDECIDED answer from a quorum (the cluster is alive and will decide).
   */
  long heuristicAt(Branch b) {
    long from = Math.max(b.deadlineMillis, b.lastQuorumAnswerMillis);
    long at = from + config.heuristicAfterMillis();
    return at < from ? Long.MAX_VALUE : at;
  }

  private static boolean waitsForOutcome(BranchState s) {
    return s == BranchState.PREPARED || s == BranchState.READY || s == BranchState.PRECOMMITTED;
  }

  private List<Branch> ofXid(String xid) {
    return new ArrayList<>(
        branches
            .subMap(new BranchKey(xid, 1), true, new BranchKey(xid, Integer.MAX_VALUE), true)
            .values());
  }

  private boolean admitsNoWork(String xid) {
    for (Branch other : ofXid(xid)) {
      if (other.state != BranchState.ACTIVE) {
        return true;
      }
    }
    return false;
  }

  private void resetQueries(Branch b) {
    b.queryInFlight = false;
    b.nextQueryAtMillis = b.deadlineMillis;
    b.queryBackoffMillis = config.queryMinBackoffMillis();
  }

  private void persistThenAnswer(Branch b, BranchState target, Request r, BranchEffects out) {
    startStep(b, Step.PERSIST, target, out);
    out.add(new Persist(b.key, b.protocol, target, b.deadlineMillis));
    b.waiting.add(r);
  }

  private void startCommit(Branch b, BranchState target, BranchEffects out) {
    startStep(b, Step.COMMIT, target, out);
    out.add(new LocalCommit(b.key, target));
  }

  private void startRollback(Branch b, BranchState target, BranchEffects out) {
    startStep(b, Step.ROLLBACK, target, out);
    out.add(new LocalRollback(b.key, target));
  }

  private static void startStep(Branch b, Step step, BranchState target, BranchEffects out) {
    if (b.busy()) {
      throw new IllegalStateException("branch " + b.key + " already has a step in flight");
    }
    b.step = step;
    b.stepTarget = target;
  }

  private void hold(Branch b, Request r, BranchEffects out) {
    if (b.waiting.size() >= config.maxQueuedPerBranch()) {
      reject(r, b.key, "too many messages waiting for branch " + b.key + "; repeat later", out);
    } else {
      b.waiting.add(r);
    }
  }

  private static void reject(Request r, BranchKey key, String reason, BranchEffects out) {
    out.add(new Reject(r.requestId(), key, reason));
  }

  private Branch expectStep(BranchKey key, Step step) {
    Branch b = branches.get(key);
    if (b == null || b.step != step) {
      throw new IllegalStateException(
          "no "
              + step
              + " in flight for "
              + key
              + (b == null ? " (unknown)" : " (" + b.step + ")"));
    }
    return b;
  }

  private void finishStep(Branch b, BranchState newState, long now, BranchEffects out) {
    b.step = Step.NONE;
    b.stepTarget = null;
    b.state = newState;
    if (newState.isTerminal()) {
      b.terminalSinceMillis = now;
      if (newState.isHeuristic()) {
        b.reportNeeded = true;
        b.reportInFlight = true;
        b.reportBackoffMillis = config.queryMinBackoffMillis();
        out.add(new ReportHeuristic(b.key, newState));
      }
    }
    resumeIfIdle(b, now, out);
  }

  private void failStep(Branch b, String reason, long now, BranchEffects out) {
    b.step = Step.NONE;
    b.stepTarget = null;
    while (!b.waiting.isEmpty()) {
      reject(b.waiting.poll(), b.key, "could not record the branch's state: " + reason, out);
    }
    if (b.state == null && b.hangingWork) {
      // The tombstone never became durable but work did: track that work; its deadline aborts it.
      b.state = BranchState.ACTIVE;
      b.hangingWork = false;
    } else if (b.state == null) {
      branches.remove(b.key); // the tombstone never became durable
    }
  }

  /** Answers waiting messages from the durable state, and rolls back hanging work, while idle. */
  private void resumeIfIdle(Branch b, long now, BranchEffects out) {
    if (b.busy()) {
      return;
    }
    if (b.hangingWork && b.state == BranchState.ABORTED) {
      b.hangingWork = false;
      startRollback(b, BranchState.ABORTED, out);
      return;
    }
    int n = b.waiting.size();
    for (int i = 0; i < n && !b.busy(); i++) {
      Request r = b.waiting.poll();
      if (b.protocol != r.protocol()) {
        reject(r, b.key, "branch runs " + b.protocol + ", message is " + r.protocol(), out);
      } else {
        answer(b, r, out);
        if (b.busy() && b.waiting.peekLast() == r && n > 1) {
          // answer() started a new step and queued r behind the rest; keep arrival order
          b.waiting.pollLast();
          b.waiting.addFirst(r);
        }
      }
    }
  }
}
