package io.zabtx.participant.branch;

import java.util.Objects;

/**
 * One {@code dtx_branch} row, as read back on restart.
 *
 * @param key the branch
 * @param protocol its transaction's protocol
 * @param state its durable state
 * @param deadlineMillis its deadline on the participant's clock (ms since the Unix epoch)
 */
public record DurableBranch(
    BranchKey key, BranchProtocol protocol, BranchState state, long deadlineMillis) {

  /** Rejects null fields. */
  public DurableBranch {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(state, "state");
  }
}
