package io.zabtx.replication.runtime;

import io.zabtx.replication.core.Zxid;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The application replicated by a {@link ZabNode}: a deterministic state machine fed with committed
 * entries.
 *
 * <p>Threading: every method is called on the node's event-loop thread, one call at a time, never
 * concurrently with another. Calls must not block for long: the node neither replicates nor applies
 * while they run.
 *
 * <p>Failures: an exception from {@link #apply} is fatal for the node (it stops, because its state
 * can no longer be trusted to equal its peers'); {@link #snapshot} failing only skips that
 * snapshot; {@link #restore} failing stops the node.
 */
public interface StateMachine {

  /**
   * Applies one committed entry. Entries arrive in zxid order, each exactly once per state machine
   * incarnation (a {@link #restore} starts a new one). Must be deterministic: the same entries in
   * the same order give the same state on every node.
   */
  void apply(Zxid zxid, byte[] data);

  /** Writes the whole current state to {@code out}; the node tags it with the last applied zxid. */
  void snapshot(OutputStream out) throws IOException;

  /**
   * Replaces the whole state with one read from {@code in}, as written by {@link #snapshot}. An
   * empty stream means the initial, empty state.
   */
  void restore(InputStream in) throws IOException;
}
