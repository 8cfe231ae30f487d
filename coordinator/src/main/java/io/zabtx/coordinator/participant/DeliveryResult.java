package io.zabtx.coordinator.participant;

import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.Vote;
import java.util.Objects;

/**
 * What became of one {@link ParticipantGateway#send}: the participant's vote (PREPARE, CAN_COMMIT),
 * its acknowledgement (PRE_COMMIT, COMMIT, ABORT), or a failure to get either.
 */
public sealed interface DeliveryResult {

  /**
   * The participant answered a phase-1 message.
   *
   * @param vote YES or NO
   * @param reason the participant's reason (empty if it gave none)
   */
  record Voted(Vote vote, String reason) implements DeliveryResult {
    /** Rejects a null vote; a null reason becomes empty. */
    public Voted {
      Objects.requireNonNull(vote, "vote");
      reason = reason == null ? "" : reason;
    }
  }

  /**
   * The participant acknowledged a phase-2 message.
   *
   * @param state the branch's state after handling it (COMMITTED, ABORTED, PRECOMMITTED, or a
   *     HEURISTIC_* state the participant reached on its own)
   * @param detail the participant's detail text (empty if it gave none)
   */
  record Acked(BranchStatus state, String detail) implements DeliveryResult {
    /** Rejects a null state; a null detail becomes empty. */
    public Acked {
      Objects.requireNonNull(state, "state");
      detail = detail == null ? "" : detail;
    }
  }

  /**
   * No usable answer: unreachable, timed out, retries exhausted, circuit open, backlog full, a
   * malformed endpoint, a protocol error in the answer, or the gateway closing.
   *
   * @param why a message for logs and operators
   */
  record Failed(String why) implements DeliveryResult {
    /** Rejects a null message. */
    public Failed {
      Objects.requireNonNull(why, "why");
    }
  }
}
