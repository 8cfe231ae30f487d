package io.zabtx.coordinator.model;

import java.util.List;

/**
 * The commit point of a 2PC transaction: every branch voted YES; the outcome is COMMIT.
 *
 * @param xid the transaction (its epoch must equal the epoch of the entry that logs it)
 * @param branches every branch, for phase 2
 * @param decidedAtMillis the leader's clock when it decided
 * @param name the transaction's name
 * @param begunAtMillis the leader's clock at begin
 */
public record DecisionRecord(
    Xid xid, List<BranchRef> branches, long decidedAtMillis, String name, long begunAtMillis)
    implements LogRecord {

  public DecisionRecord {
    branches = List.copyOf(branches);
  }
}
