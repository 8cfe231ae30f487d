package io.zabtx.replication.core;

import java.util.List;

/**
 * What storage recovered for a node at start-up.
 *
 * @param acceptedEpoch the epoch last promised to a prospective leader
 * @param currentEpoch the epoch of the history last adopted
 * @param snapshot the newest valid snapshot ({@link Snapshot#EMPTY} if none)
 * @param entries the log entries after the snapshot, in zxid order
 */
public record DurableState(
    long acceptedEpoch, long currentEpoch, Snapshot snapshot, List<Entry> entries) {

  /** The state of a node that has never run. */
  public static DurableState empty() {
    return new DurableState(0, 0, Snapshot.EMPTY, List.of());
  }
}
