package io.zabtx.participant.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A global transaction as the coordinator answered {@link DtxClient#status}: status, outcome,
 * branches and timeline. Times are the answering leader's clock.
 *
 * @param abortReason why it aborted, when it did (e.g. "branch 2 voted NO: insufficient funds"),
 *     else empty
 * @param answeredBy the coordinator node id that answered
 */
public record TransactionInfo(
    String xid,
    CommitProtocol protocol,
    TxStatus status,
    TxOutcome outcome,
    String name,
    Instant begunAt,
    Instant deadline,
    List<BranchInfo> branches,
    List<PhaseEvent> timeline,
    String abortReason,
    long answeredBy) {

  public TransactionInfo {
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(outcome, "outcome");
    branches = List.copyOf(branches);
    timeline = List.copyOf(timeline);
  }

  /**
   * One branch of the transaction.
   *
   * @param endpoint "host:port" of the participant's phase endpoint
   * @param resource what the participant calls the resource (e.g. "bank-a/accounts")
   */
  public record BranchInfo(int branchId, String endpoint, String resource, BranchStatus state) {}

  /**
   * What happened when, e.g. BEGUN, BRANCH_REGISTERED, DECISION_LOGGED, ABORT_DECIDED.
   *
   * @param detail free text, possibly empty
   */
  public record PhaseEvent(String phase, Instant at, String detail) {}
}
