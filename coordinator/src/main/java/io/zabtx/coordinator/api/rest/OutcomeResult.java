package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.media.Schema;
import io.zabtx.protocol.v1.CommitResponse;
import io.zabtx.protocol.v1.Outcome;
import io.zabtx.protocol.v1.RollbackResponse;

/** The reply to a commit or a rollback (200). */
@Schema(description = "Where a transaction stands after a commit or rollback.")
record OutcomeResult(
    String xid,
    @Schema(
            description =
                "zabtx.v1 TransactionStatus name: commit answers COMMITTING (decided, phase 2 in"
                    + " progress), COMMITTED or HEURISTIC_MIXED; rollback ABORTING or ABORTED")
        String status,
    @Schema(allowableValues = {"COMMIT", "ABORT"}) String outcome) {

  static OutcomeResult from(CommitResponse response) {
    return new OutcomeResult(
        response.getXid(),
        WireText.status(response.getStatus()),
        WireText.outcome(response.getStatus(), Outcome.COMMIT));
  }

  static OutcomeResult from(RollbackResponse response) {
    return new OutcomeResult(
        response.getXid(),
        WireText.status(response.getStatus()),
        WireText.outcome(response.getStatus(), Outcome.ABORT));
  }
}
