package io.zabtx.replication.core;

import java.util.List;

/**
 * One change to a node's durable state, as asked for by {@link Output#persist()}. A runtime applies
 * them in list order; see {@link Output} for when they must be durable.
 */
public sealed interface PersistOp {

  /**
   * Replace the whole durable history with this snapshot followed by {@code entries}. Must be
   * atomic as a whole: after a crash either the old history is intact, or the snapshot and every
   * one of the entries are there and nothing of the old log remains. Installing the snapshot alone
   * first would not do: the node may hold committed entries above the snapshot that it is one of a
   * bare quorum for, and a crash before the entries are written would lose them.
   *
   * @param snapshot the new base of the history
   * @param entries the entries after it, in zxid order
   */
  record InstallSnapshot(Snapshot snapshot, List<Entry> entries) implements PersistOp {
    /** Copies the entries. */
    public InstallSnapshot {
      entries = List.copyOf(entries);
    }
  }

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
