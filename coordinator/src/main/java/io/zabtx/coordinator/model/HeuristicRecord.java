package io.zabtx.coordinator.model;

/**
 * A participant reported a unilateral outcome for its branch.
 *
 * @param xid the transaction (any epoch: reports may arrive long after the decision)
 * @param branchId the reporting branch
 * @param kind what the participant did or found
 * @param detail the participant's explanation
 * @param reportedAtMillis the leader's clock when it proposed the record
 */
public record HeuristicRecord(
    Xid xid, int branchId, HeuristicKind kind, String detail, long reportedAtMillis)
    implements LogRecord {}
