package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.model.BranchRef;
import io.zabtx.coordinator.model.BranchView;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.PhaseEvent;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.TxView;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transaction the leader holds in memory: its branches, the requests waiting on it and where it
 * is in the protocol. Mutated only by the engine's classes in this package, on the engine's thread.
 */
final class Tx {

  /** Timeline events kept per transaction; later ones are dropped (bounded memory). */
  static final int MAX_TIMELINE_EVENTS = 256;

  /** A commit request waiting for the commit point (or, with waitForCompletion, for phase 2). */
  record Waiter(long requestId, boolean waitForCompletion) {}

  private record BranchKey(String endpoint, String resource) {}

  final Xid xid;
  final TxProtocol protocol;
  final String name;
  final long begunAtMillis;

  /** The global deadline; 0 for a transaction taken over from the log (decided, none applies). */
  final long deadlineMillis;

  /** The lifecycle status; the API shows HEURISTIC_MIXED instead when {@link #mixed()}. */
  TxStatus status;

  final Map<Integer, Branch> branches = new LinkedHashMap<>();
  private final Map<BranchKey, Integer> branchIds = new LinkedHashMap<>();
  private final List<PhaseEvent> timeline = new ArrayList<>();
  final List<HeuristicKind> heuristics = new ArrayList<>();
  final List<Waiter> commitWaiters = new ArrayList<>();
  final List<Long> rollbackWaiters = new ArrayList<>();

  String abortReason = "";
  long commitRequestedAtMillis;
  long voteDeadlineMillis;
  long decidedAtMillis;

  /** The commit point was emitted: from here on nothing may abort this transaction. */
  boolean commitPointProposed;

  /** The id of the commit point proposal in flight, or 0. */
  long commitPointProposalId;

  boolean commitPointDurable;

  /** The commit point proposal may or may not be logged: nothing is decided here any more. */
  boolean outcomeUnknown;

  /** When to try the decision (or the failed commit point proposal) again, or 0. */
  long decideRetryAtMillis;

  /** Branches of this transaction counted in the phase-2 backlog. */
  int backlogHeld;

  /** The phase-2 stage under way (PRE_COMMIT or COMMIT), null before. */
  Phase phase2;

  boolean mixedCounted;
  long finishedAtMillis;
  long wakeAtMillis;

  Tx(Xid xid, TxProtocol protocol, String name, long begunAtMillis, long deadlineMillis) {
    this.xid = xid;
    this.protocol = protocol;
    this.name = name;
    this.begunAtMillis = begunAtMillis;
    this.deadlineMillis = deadlineMillis;
  }

  /** The branch id of (endpoint, resource), or 0 if it is not registered. */
  int branchIdOf(String endpoint, String resource) {
    return branchIds.getOrDefault(new BranchKey(endpoint, resource), 0);
  }

  Branch addBranch(String endpoint, String resource) {
    return addBranch(new BranchRef(branches.size() + 1, endpoint, resource));
  }

  Branch addBranch(BranchRef ref) {
    Branch b = new Branch(ref);
    branches.put(b.id(), b);
    branchIds.put(new BranchKey(ref.endpoint(), ref.resource()), b.id());
    return b;
  }

  /** Records a durable heuristic report; the branch, if registered, takes its status. */
  void addHeuristic(HeuristicKind kind, int branchId) {
    heuristics.add(kind);
    Branch b = branches.get(branchId);
    if (b != null) {
      b.status = kind.branchStatus();
    }
  }

  List<BranchRef> branchRefs() {
    return branches.values().stream().map(b -> b.ref).toList();
  }

  void event(String phase, long atMillis, String detail) {
    if (timeline.size() < MAX_TIMELINE_EVENTS) {
      timeline.add(new PhaseEvent(phase, atMillis, detail));
    }
  }

  /** The first phase-1 message of this protocol. */
  Phase votePhase() {
    return protocol == TxProtocol.TWO_PHASE ? Phase.PREPARE : Phase.CAN_COMMIT;
  }

  boolean allVoted() {
    return branches.values().stream().allMatch(b -> b.vote != null);
  }

  boolean allVotedYes() {
    return branches.values().stream().allMatch(b -> b.vote == Vote.YES);
  }

  /** True once every branch acknowledged its current phase or was given up on. */
  boolean noBranchAwaitingAck() {
    return branches.values().stream().noneMatch(Branch::awaitingAck);
  }

  Outcome outcome() {
    if (commitPointDurable) {
      return Outcome.COMMIT;
    }
    return status == TxStatus.ABORTING || status == TxStatus.ABORTED
        ? Outcome.ABORT
        : Outcome.UNDECIDED;
  }

  /** A recorded heuristic report contradicts the decided outcome. */
  boolean mixed() {
    Outcome o = outcome();
    return o != Outcome.UNDECIDED && heuristics.stream().anyMatch(k -> k.contradicts(o));
  }

  /** The answer "this transaction is in its display status, with {@code outcome}". */
  Status answer(Outcome outcome) {
    return new Status(xid, displayStatus(), outcome);
  }

  TxStatus displayStatus() {
    return mixed() ? TxStatus.HEURISTIC_MIXED : status;
  }

  boolean finished() {
    return status == TxStatus.COMMITTED || status == TxStatus.ABORTED;
  }

  TxView view() {
    List<BranchView> bs = new ArrayList<>();
    for (Branch b : branches.values()) {
      bs.add(new BranchView(b.ref, b.status));
    }
    return new TxView(
        xid,
        protocol,
        displayStatus(),
        outcome(),
        name,
        begunAtMillis,
        deadlineMillis,
        bs,
        timeline,
        abortReason);
  }
}
