package io.zabtx.participant.branch;

/** A phase message from the coordinator (participant.proto's ParticipantService calls). */
public enum Phase {
  /** 2PC phase 1; answered with a vote. */
  PREPARE,
  /** 3PC phase 1; answered with a vote. */
  CAN_COMMIT,
  /** 3PC phase 2a; answered with an acknowledgement. */
  PRE_COMMIT,
  /** 2PC commit and 3PC doCommit; answered with an acknowledgement. */
  COMMIT,
  /** Roll back; answered with an acknowledgement. */
  ABORT;

  /** True for the phase-1 messages, answered with a vote rather than an acknowledgement. */
  boolean isVote() {
    return this == PREPARE || this == CAN_COMMIT;
  }
}
