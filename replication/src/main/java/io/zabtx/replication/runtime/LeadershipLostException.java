package io.zabtx.replication.runtime;

/**
 * The leader lost its leadership while this proposal was in flight. Its outcome is unknown: it may
 * still be committed by the next leader, or it may be dropped. Callers that must know ask the
 * replicated state (e.g. by reading their own idempotent record back).
 */
public final class LeadershipLostException extends RuntimeException {

  public LeadershipLostException(long self) {
    super(
        "server "
            + self
            + " stopped leading before this proposal committed; its outcome is"
            + " unknown until the new leader's history is read back");
  }
}
