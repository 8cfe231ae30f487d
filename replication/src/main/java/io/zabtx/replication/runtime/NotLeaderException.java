package io.zabtx.replication.runtime;

/**
 * A proposal was made to a node that is not the established leader. Nothing was proposed; retry on
 * {@link #leaderHint()} if it is known.
 */
public final class NotLeaderException extends RuntimeException {

  private final long leaderHint;

  public NotLeaderException(long self, long leaderHint) {
    super(
        leaderHint > 0
            ? "server " + self + " is not the leader; the leader is server " + leaderHint
            : "server " + self + " is not the leader and no leader is established yet; retry");
    this.leaderHint = leaderHint;
  }

  /** The server id of the leader this node follows, or -1 if none is known. */
  public long leaderHint() {
    return leaderHint;
  }
}
