package io.zabtx.participant.branch;

import java.util.ArrayDeque;

/** One tracked branch: its durable state, the durable step in flight, and its timers. */
final class Branch {

  /** The kind of durable step the runtime is carrying out for a branch. */
  enum Step {
    NONE,
    PERSIST,
    COMMIT,
    ROLLBACK
  }

  /** A phase message held until the branch's durable step completes. */
  record Request(long requestId, BranchProtocol protocol, Phase phase) {}

  final BranchKey key;
  final BranchProtocol protocol;

  /** The durable state; null while the first row of an abort tombstone is being written. */
  BranchState state;

  long deadlineMillis;

  Step step = Step.NONE;
  BranchState stepTarget;
  final ArrayDeque<Request> waiting = new ArrayDeque<>();

  /** Work committed for this branch after its xid was aborted: roll it back when idle. */
  boolean hangingWork;

  boolean queryInFlight;
  long nextQueryAtMillis;
  long queryBackoffMillis;

  /** When a quorum last answered UNDECIDED; the heuristic window restarts from there. */
  long lastQuorumAnswerMillis = Long.MIN_VALUE;

  boolean reportNeeded;
  boolean reportInFlight;
  long nextReportAtMillis;
  long reportBackoffMillis;

  /**
   * When the branch became terminal (or its heuristic was acknowledged); retention runs from it.
   */
  long terminalSinceMillis;

  Branch(BranchKey key, BranchProtocol protocol, BranchState state, long deadlineMillis) {
    this.key = key;
    this.protocol = protocol;
    this.state = state;
    this.deadlineMillis = deadlineMillis;
  }

  boolean busy() {
    return step != Step.NONE;
  }
}
