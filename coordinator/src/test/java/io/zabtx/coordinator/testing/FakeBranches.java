package io.zabtx.coordinator.testing;

import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.protocol.v1.BranchState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The branch rows of a {@link FakeParticipant}, kept the way a real participant keeps them: repeats
 * are answered from the row (idempotent), an ABORT of an unknown branch leaves an ABORTED
 * tombstone, and a heuristic state, once reached, is what every later message is answered with. An
 * order no correct coordinator sends (COMMIT after ABORT, ABORT after COMMIT or PRE_COMMIT) is
 * recorded as a conflict. Not thread-safe: the fake calls it under its lock.
 */
final class FakeBranches {

  /** The answer to a phase message: a vote (with reason) or an ack state. */
  record Answer(Vote vote, String reason, BranchState state) {}

  private final Map<String, BranchState> rows = new LinkedHashMap<>();
  private final Set<String> tombstones = new HashSet<>();
  private final List<String> conflicts = new ArrayList<>();

  /**
   * Applies {@code phase} to the branch and says what to answer.
   *
   * @param scriptedVote the vote the script asks for (phase 1)
   * @param scriptedReason its reason
   * @param heuristic a heuristic state the script asks to report on this ack, or null
   */
  Answer apply(
      String xid,
      int branchId,
      Phase phase,
      Vote scriptedVote,
      String scriptedReason,
      BranchState heuristic) {
    String key = key(xid, branchId);
    BranchState now = rows.get(key);
    if (phase.isVote()) {
      return vote(key, now, scriptedVote, scriptedReason);
    }
    if (now != null && isHeuristic(now)) {
      return ack(now, "heuristic outcome reported before");
    }
    if (heuristic != null) {
      rows.put(key, heuristic);
      return ack(heuristic, "scripted heuristic outcome");
    }
    return switch (phase) {
      case PRE_COMMIT -> preCommit(key, now);
      case COMMIT -> commit(key, now);
      default -> abort(key, now);
    };
  }

  BranchState state(String xid, int branchId) {
    return rows.get(key(xid, branchId));
  }

  Map<String, BranchState> rows() {
    return new LinkedHashMap<>(rows);
  }

  boolean isTombstone(String xid, int branchId) {
    return tombstones.contains(key(xid, branchId));
  }

  List<String> conflicts() {
    return new ArrayList<>(conflicts);
  }

  static String key(String xid, int branchId) {
    return xid + "/" + branchId;
  }

  private Answer vote(String key, BranchState now, Vote scripted, String reason) {
    if (now == null || now == BranchState.REGISTERED) {
      rows.put(key, scripted == Vote.YES ? BranchState.VOTED_YES : BranchState.VOTED_NO);
      return new Answer(scripted, reason, null);
    }
    return switch (now) {
      case VOTED_YES, PRECOMMITTED, BRANCH_COMMITTED -> new Answer(Vote.YES, "", null);
      case BRANCH_ABORTED -> new Answer(Vote.NO, "branch already aborted", null);
      case VOTED_NO -> new Answer(Vote.NO, "voted NO before", null);
      default -> new Answer(Vote.NO, "branch is " + now, null);
    };
  }

  private Answer preCommit(String key, BranchState now) {
    if (now == BranchState.BRANCH_ABORTED || now == BranchState.VOTED_NO) {
      conflicts.add(key + ": PRE_COMMIT after " + now);
      return ack(BranchState.BRANCH_ABORTED, "branch already aborted");
    }
    if (now == BranchState.BRANCH_COMMITTED) {
      return ack(now, "already committed");
    }
    rows.put(key, BranchState.PRECOMMITTED);
    return ack(BranchState.PRECOMMITTED, "");
  }

  private Answer commit(String key, BranchState now) {
    if (now == BranchState.BRANCH_ABORTED || now == BranchState.VOTED_NO) {
      conflicts.add(key + ": COMMIT after " + now);
      rows.put(key, BranchState.BRANCH_ABORTED);
      return ack(BranchState.BRANCH_ABORTED, "branch already aborted");
    }
    rows.put(key, BranchState.BRANCH_COMMITTED);
    return ack(BranchState.BRANCH_COMMITTED, now == BranchState.BRANCH_COMMITTED ? "repeat" : "");
  }

  private Answer abort(String key, BranchState now) {
    if (now == BranchState.BRANCH_COMMITTED) {
      conflicts.add(key + ": ABORT after BRANCH_COMMITTED");
      return ack(now, "already committed");
    }
    if (now == BranchState.PRECOMMITTED) {
      conflicts.add(key + ": ABORT after PRECOMMITTED");
    }
    if (now == null) {
      tombstones.add(key);
    }
    rows.put(key, BranchState.BRANCH_ABORTED);
    return ack(BranchState.BRANCH_ABORTED, now == null ? "tombstone" : "");
  }

  private static Answer ack(BranchState state, String detail) {
    return new Answer(null, detail, state);
  }

  private static boolean isHeuristic(BranchState state) {
    return state == BranchState.HEURISTIC_COMMIT
        || state == BranchState.HEURISTIC_ABORT
        || state == BranchState.HEURISTIC_HAZARD;
  }
}
