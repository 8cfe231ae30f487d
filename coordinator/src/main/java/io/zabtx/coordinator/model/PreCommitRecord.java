package io.zabtx.coordinator.model;

import java.util.List;

/**
 * The commit point of a 3PC transaction: every branch voted YES to CanCommit; from here the outcome
 * is COMMIT, irrevocably.
 *
 * @param xid the transaction (its epoch must equal the epoch of the entry that logs it)
 * @param branches every branch, for PreCommit and doCommit
 * @param decidedAtMillis the leader's clock when it decided
 * @param name the transaction's name
 * @param begunAtMillis the leader's clock at begin
 */
public record PreCommitRecord(
    Xid xid, List<BranchRef> branches, long decidedAtMillis, String name, long begunAtMillis)
    implements LogRecord {

  public PreCommitRecord {
    branches = List.copyOf(branches);
  }
}
