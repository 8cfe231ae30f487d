package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.media.Schema;
import io.zabtx.protocol.v1.Branch;
import io.zabtx.protocol.v1.Outcome;
import io.zabtx.protocol.v1.PhaseEvent;
import io.zabtx.protocol.v1.Transaction;
import java.util.List;

/** One transaction as {@code GET /api/v1/transactions/{xid}} and the list show it. */
@Schema(name = "Transaction", description = "A transaction, its branches and what happened when.")
record TransactionJson(
    @Schema(example = "3-1042") String xid,
    @Schema(allowableValues = {"2PC", "3PC"}) String protocol,
    @Schema(
            description =
                "zabtx.v1 TransactionStatus name: ACTIVE, PREPARING, COMMITTING, COMMITTED,"
                    + " ABORTING, ABORTED or HEURISTIC_MIXED")
        String status,
    @Schema(description = "zabtx.v1 Outcome name: UNDECIDED, COMMIT or ABORT") String outcome,
    @Schema(description = "The name given at begin, or null") String name,
    @Schema(description = "ISO-8601, UTC") String begunAt,
    @Schema(description = "ISO-8601, UTC") String deadline,
    List<BranchJson> branches,
    @Schema(description = "Oldest first") List<PhaseEventJson> timeline,
    @Schema(description = "Why it aborted, or null") String abortReason,
    @Schema(description = "The server id of the node that answered") long answeredBy) {

  static TransactionJson from(Transaction tx) {
    return new TransactionJson(
        tx.getXid(),
        WireText.protocol(tx.getProtocol()),
        WireText.status(tx.getStatus()),
        tx.getOutcome() == Outcome.OUTCOME_UNSPECIFIED ? null : tx.getOutcome().name(),
        WireText.text(tx.getName()),
        WireText.instant(tx.getBegunUnixMs()),
        WireText.instant(tx.getDeadlineUnixMs()),
        tx.getBranchesList().stream().map(BranchJson::from).toList(),
        tx.getTimelineList().stream().map(PhaseEventJson::from).toList(),
        WireText.text(tx.getAbortReason()),
        tx.getAnsweredBy());
  }

  /** One participant's branch. */
  @Schema(name = "Branch")
  record BranchJson(
      int branchId,
      @Schema(description = "host:port of the participant's ParticipantService") String endpoint,
      @Schema(example = "bank-a/accounts") String resource,
      @Schema(
              description =
                  "zabtx.v1 BranchState name: REGISTERED, VOTED_YES, VOTED_NO, PRECOMMITTED,"
                      + " BRANCH_COMMITTED, BRANCH_ABORTED, HEURISTIC_COMMIT, HEURISTIC_ABORT or"
                      + " HEURISTIC_HAZARD")
          String state) {

    static BranchJson from(Branch branch) {
      return new BranchJson(
          branch.getBranchId(),
          branch.getEndpoint(),
          WireText.text(branch.getResource()),
          branch.getState().name());
    }
  }

  /** One step of the transaction's timeline. */
  @Schema(name = "PhaseEvent")
  record PhaseEventJson(
      @Schema(example = "DECISION_LOGGED") String phase,
      @Schema(description = "ISO-8601, UTC") String at,
      String detail) {

    static PhaseEventJson from(PhaseEvent event) {
      return new PhaseEventJson(
          event.getPhase(),
          WireText.instant(event.getAtUnixMs()),
          WireText.text(event.getDetail()));
    }
  }
}
