package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.LogRecord;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.Xid;

/** Something the runtime must do for the engine. Carried out in the order the engine emitted. */
public sealed interface Command {

  /**
   * Send {@code phase} to a branch's participant. The runtime reports the result back exactly once
   * with {@link TxEngine#voteReceived} (PREPARE, CAN_COMMIT), {@link TxEngine#ackReceived} (the
   * others) or {@link TxEngine#deliveryFailed}. A phase-1 message is tried once, with a deadline of
   * {@code timeoutMillis}; a phase-2 message may be retried by the runtime a bounded number of
   * times (backoff with jitter) before it reports a failure; the engine sends it again later.
   *
   * @param xid the transaction
   * @param branchId the branch
   * @param endpoint the participant's {@code host:port}
   * @param phase what to send
   * @param protocol the transaction's protocol (sent along, participants check it)
   * @param timeoutMillis how long one attempt may take
   */
  record Send(
      Xid xid, int branchId, String endpoint, Phase phase, TxProtocol protocol, long timeoutMillis)
      implements Command {}

  /**
   * Propose {@code record} to the replicated decision log. The runtime reports back exactly once
   * with {@link TxEngine#recordDurable} (committed on a quorum and applied locally, so the {@code
   * DecisionLookup} already shows it) or {@link TxEngine#recordFailed}.
   *
   * @param proposalId the engine's id for this proposal
   * @param record what to replicate
   */
  record Propose(long proposalId, LogRecord record) implements Command {}

  /**
   * Answer request {@code requestId} (exactly once per request).
   *
   * @param requestId the id the caller passed with the request
   * @param answer the result
   */
  record Reply(long requestId, Answer answer) implements Command {}
}
