package io.zabtx.coordinator.engine;

/**
 * The phase-2 backlog: branches of decided transactions not yet acknowledging COMMIT. Bounded by
 * {@code maxPhase2Backlog} so that a slow participant cannot make the leader hold unbounded work;
 * the bound is checked before a commit point is proposed, never after.
 */
final class Backlog {

  private final EngineConfig config;
  private int held;

  Backlog(EngineConfig config) {
    this.config = config;
  }

  /** True if the branches of {@code tx} fit in the backlog. */
  boolean fits(Tx tx) {
    int n = tx.branches.size();
    return n == 0 || held + n <= config.maxPhase2Backlog();
  }

  /** Counts every branch of {@code tx} until it acknowledges COMMIT. */
  void hold(Tx tx) {
    tx.backlogHeld = tx.branches.size();
    held += tx.backlogHeld;
  }

  /** A branch of {@code tx} acknowledged COMMIT. */
  void release(Tx tx) {
    if (tx.backlogHeld > 0) {
      tx.backlogHeld--;
      held--;
    }
  }

  int size() {
    return held;
  }

  void clear() {
    held = 0;
  }
}
