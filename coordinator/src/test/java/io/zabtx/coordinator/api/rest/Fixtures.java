package io.zabtx.coordinator.api.rest;

import io.zabtx.protocol.v1.Branch;
import io.zabtx.protocol.v1.BranchState;
import io.zabtx.protocol.v1.Outcome;
import io.zabtx.protocol.v1.PhaseEvent;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.Transaction;
import io.zabtx.protocol.v1.TransactionStatus;

/** Wire values the tests answer with, and the JSON they must become. */
final class Fixtures {

  /** 2023-11-14T22:13:20Z. */
  static final long T0 = 1_700_000_000_000L;

  private Fixtures() {}

  /** A 2PC transaction in phase 2 with two branches. */
  static Transaction committing() {
    return Transaction.newBuilder()
        .setXid("3-1042")
        .setProtocol(Protocol.TWO_PHASE)
        .setStatus(TransactionStatus.COMMITTING)
        .setOutcome(Outcome.COMMIT)
        .setName("transfer")
        .setBegunUnixMs(T0)
        .setDeadlineUnixMs(T0 + 30_000)
        .addBranches(
            Branch.newBuilder()
                .setBranchId(1)
                .setEndpoint("bank-a:9090")
                .setResource("bank-a/accounts")
                .setState(BranchState.BRANCH_COMMITTED))
        .addBranches(
            Branch.newBuilder()
                .setBranchId(2)
                .setEndpoint("bank-b:9090")
                .setResource("bank-b/accounts")
                .setState(BranchState.VOTED_YES))
        .addTimeline(PhaseEvent.newBuilder().setPhase("BEGUN").setAtUnixMs(T0))
        .addTimeline(
            PhaseEvent.newBuilder()
                .setPhase("DECISION_LOGGED")
                .setAtUnixMs(T0 + 123)
                .setDetail("zxid 3:77"))
        .setAnsweredBy(2)
        .build();
  }

  static final String COMMITTING_JSON =
      """
      {"xid": "3-1042", "protocol": "2PC", "status": "COMMITTING", "outcome": "COMMIT",
       "name": "transfer", "begunAt": "2023-11-14T22:13:20Z", "deadline": "2023-11-14T22:13:50Z",
       "branches": [
         {"branchId": 1, "endpoint": "bank-a:9090", "resource": "bank-a/accounts",
          "state": "BRANCH_COMMITTED"},
         {"branchId": 2, "endpoint": "bank-b:9090", "resource": "bank-b/accounts",
          "state": "VOTED_YES"}],
       "timeline": [
         {"phase": "BEGUN", "at": "2023-11-14T22:13:20Z", "detail": null},
         {"phase": "DECISION_LOGGED", "at": "2023-11-14T22:13:20.123Z", "detail": "zxid 3:77"}],
       "abortReason": null, "answeredBy": 2}
      """;

  /** A 3PC transaction aborted by a NO vote, with no name and no branches. */
  static Transaction aborted() {
    return Transaction.newBuilder()
        .setXid("3-7")
        .setProtocol(Protocol.THREE_PHASE)
        .setStatus(TransactionStatus.ABORTED)
        .setOutcome(Outcome.ABORT)
        .setBegunUnixMs(T0)
        .setDeadlineUnixMs(T0 + 1_000)
        .setAbortReason("branch 2 voted NO: insufficient funds")
        .setAnsweredBy(1)
        .build();
  }

  static final String ABORTED_JSON =
      """
      {"xid": "3-7", "protocol": "3PC", "status": "ABORTED", "outcome": "ABORT", "name": null,
       "begunAt": "2023-11-14T22:13:20Z", "deadline": "2023-11-14T22:13:21Z",
       "branches": [], "timeline": [],
       "abortReason": "branch 2 voted NO: insufficient funds", "answeredBy": 1}
      """;
}
