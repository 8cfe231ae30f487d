package io.zabtx.coordinator.model;

/**
 * Forget completed transactions that completed before {@code completedBeforeMillis}, or while the
 * log holds more than {@code keepAtMost} transactions: in xid order, up to (not including) the
 * first logged transaction that must stay, and never {@code onlyBelow} or above. Every node
 * computes the same cut from this record and its own copy of the log, so the leader's clock,
 * configuration and in-memory transactions enter only through this record. See docs/coordinator.md,
 * "Retention".
 *
 * @param completedBeforeMillis the leader's clock minus the retention period
 * @param keepAtMost the most transactions the log may keep; 0 = no count bound
 * @param onlyBelow the leader's oldest transaction that may still get a commit point (or the next
 *     xid it would mint): the watermark must never reach it, or its commit point would be rejected
 *     as forgotten; null = no xid bound
 */
public record ForgetRecord(long completedBeforeMillis, long keepAtMost, Xid onlyBelow)
    implements LogRecord {

  /**
   * Validates the count bound.
   *
   * @throws IllegalArgumentException if {@code keepAtMost} is negative
   */
  public ForgetRecord {
    if (keepAtMost < 0) {
      throw new IllegalArgumentException(
          "forget: keepAtMost must be 0 (no count bound) or positive, got " + keepAtMost);
    }
  }

  /** A Forget by time and count, with no xid bound. */
  public ForgetRecord(long completedBeforeMillis, long keepAtMost) {
    this(completedBeforeMillis, keepAtMost, null);
  }

  /** A Forget by time only (no count bound, no xid bound). */
  public ForgetRecord(long completedBeforeMillis) {
    this(completedBeforeMillis, 0, null);
  }
}
