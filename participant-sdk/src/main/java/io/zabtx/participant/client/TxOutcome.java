package io.zabtx.participant.client;

/** The decided outcome of a global transaction. */
public enum TxOutcome {
  /** Not decided yet (ACTIVE or PREPARING): ask again later. */
  UNDECIDED,
  COMMIT,
  ABORT,
  /** An outcome this SDK does not know (a newer coordinator). */
  UNKNOWN
}
