package io.zabtx.coordinator.model;

/** A message the coordinator sends to a participant ({@code zabtx.v1.ParticipantService}). */
public enum Phase {
  /** 2PC phase 1; answered with a vote. */
  PREPARE,
  /** 3PC phase 1; answered with a vote. */
  CAN_COMMIT,
  /** 3PC phase 2a, after the PreCommit record is durable; acknowledged. */
  PRE_COMMIT,
  /** 2PC commit and 3PC doCommit; acknowledged. */
  COMMIT,
  /** Roll back; acknowledged. */
  ABORT;

  /** True for the phase-1 messages, which are answered with a vote. */
  public boolean isVote() {
    return this == PREPARE || this == CAN_COMMIT;
  }
}
