package io.zabtx.replication.core;

/**
 * One change to a node's durable state, as asked for by {@link Output#persist()}. A runtime applies
 * them in list order; see {@link Output} for when they must be durable.
 */
public sealed interface PersistOp {

  /**
   * Replace the whole durable history with this snapshot: write it durably and leave the log empty
   * after it. Must be atomic: after a crash either the old log and snapshots are intact, or the new
   * snapshot is the newest and no log entry at or below its zxid remains.
   */
  record InstallSnapshot(Snapshot snapshot) implements PersistOp {}

  /**
   * Drop every log entry with a zxid greater than {@code zxid}. Any snapshot newer than {@code
   * zxid} is invalid from then on and must be removed.
   */
  record Truncate(long zxid) implements PersistOp {}

  /** Append one entry to the log; its zxid is greater than every zxid already there. */
  record Append(Entry entry) implements PersistOp {}

  /**
   * Durably record {@code acceptedEpoch}: the epoch this node promised to a prospective leader.
   * Written atomically (temp file, fsync, rename, fsync directory), after every log op before it is
   * durable.
   */
  record SetAcceptedEpoch(long epoch) implements PersistOp {}

  /**
   * Durably record {@code currentEpoch}: the epoch whose history this node adopted. Written
   * atomically, and only after every log op before it is durable, because a node whose current
   * epoch runs ahead of its history would win elections it must lose.
   */
  record SetCurrentEpoch(long epoch) implements PersistOp {}
}
