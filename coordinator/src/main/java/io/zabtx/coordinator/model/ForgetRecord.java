package io.zabtx.coordinator.model;

/**
 * Forget completed transactions that completed before {@code completedBeforeMillis}: in xid order,
 * up to (not including) the first logged transaction that must stay. Every node computes the same
 * cut from its own copy of the log, so the leader's clock enters only through this record. See
 * docs/coordinator.md, "Retention".
 *
 * @param completedBeforeMillis the leader's clock minus the retention period
 */
public record ForgetRecord(long completedBeforeMillis) implements LogRecord {}
