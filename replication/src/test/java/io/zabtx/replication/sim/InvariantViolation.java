package io.zabtx.replication.sim;

/** Thrown by the simulator the moment an invariant of DESIGN.md §2.2 does not hold. */
public final class InvariantViolation extends RuntimeException {

  /** Which invariant failed, in a stable word, so tests and mutation runs can name it. */
  public final String invariant;

  public InvariantViolation(String invariant, String detail) {
    super(invariant + ": " + detail);
    this.invariant = invariant;
  }
}
