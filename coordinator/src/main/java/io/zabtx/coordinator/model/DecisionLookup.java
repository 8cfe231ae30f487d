package io.zabtx.coordinator.model;

/**
 * Read access to the replicated decision log, for the engine and the APIs.
 *
 * <p>Threading: safe to call from any thread; answers reflect every entry applied so far on this
 * node.
 */
public interface DecisionLookup {

  /** What the log holds about {@code xid}, or null if it holds nothing. */
  LoggedTx find(Xid xid);

  /**
   * True if {@code xid} is at or below the forgotten watermark: it may have been a finished
   * transaction that the log no longer retains, so its absence proves nothing (answer "no longer
   * retained", never a presumed ABORTED).
   */
  boolean mayBeForgotten(Xid xid);

  /** How many transactions the log holds (the engine skips a Forget while it holds none). */
  int size();
}
