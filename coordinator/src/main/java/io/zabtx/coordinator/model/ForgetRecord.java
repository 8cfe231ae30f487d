package io.zabtx.coordinator.model;

/**
 * Forget completed transactions that completed before {@code completedBeforeMillis}, or while the
 * log holds more than {@code keepAtMost} transactions: in xid order, up to (not including) the
 * first logged transaction that must stay. Every node computes the same cut from this record and
 * its own copy of the log, so the leader's clock and configuration enter only through this record.
 * See docs/coordinator.md, "Retention".
 *
 * @param completedBeforeMillis the leader's clock minus the retention period
 * @param keepAtMost the most transactions the log may keep; 0 = no count bound
 */
public record ForgetRecord(long completedBeforeMillis, long keepAtMost) implements LogRecord {

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

  /** A Forget by time only (no count bound). */
  public ForgetRecord(long completedBeforeMillis) {
    this(completedBeforeMillis, 0);
  }
}
