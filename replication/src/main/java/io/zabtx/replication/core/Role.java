package io.zabtx.replication.core;

/** What a node is doing in the ensemble. */
public enum Role {
  /** Electing a leader; serves nothing. */
  LOOKING,
  /** A voter that follows an elected leader. */
  FOLLOWING,
  /** The elected leader (established once a quorum acknowledged its NEWLEADER). */
  LEADING,
  /** A non-voting member that learns committed entries from the leader. */
  OBSERVING
}
