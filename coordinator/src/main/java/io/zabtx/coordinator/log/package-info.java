/**
 * The coordinator's replicated decision log: {@link io.zabtx.coordinator.log.DecisionLog}, the
 * replication module's {@code StateMachine} over the versioned {@code zabtx.log.v1} records, their
 * codec ({@link io.zabtx.coordinator.log.RecordCodec}), snapshots and retention. See
 * docs/coordinator.md, "Transactions" and "Retention".
 */
package io.zabtx.coordinator.log;
