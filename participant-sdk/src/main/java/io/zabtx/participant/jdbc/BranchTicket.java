package io.zabtx.participant.jdbc;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchProtocol;
import java.util.Objects;

/**
 * A branch this participant registered with the coordinator, as the DataSource wrapper needs it:
 * what to write into {@code dtx_branch} and {@code dtx_lock}.
 *
 * @param key xid and the branch id the coordinator assigned
 * @param protocol the transaction's protocol
 * @param deadlineMillis the transaction's deadline (ms since the Unix epoch)
 */
public record BranchTicket(BranchKey key, BranchProtocol protocol, long deadlineMillis) {

  /** Rejects null fields. */
  public BranchTicket {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(protocol, "protocol");
  }
}
