package io.zabtx.coordinator.model;

/** The decided outcome of a transaction. */
public enum Outcome {
  /** Not decided yet: ask again later. */
  UNDECIDED,
  COMMIT,
  ABORT
}
