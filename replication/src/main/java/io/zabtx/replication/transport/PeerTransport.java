package io.zabtx.replication.transport;

import io.zabtx.replication.core.Message;
import java.util.function.Consumer;

/**
 * Moves ZAB messages between the nodes of one ensemble: FIFO per ordered pair of nodes, at most
 * once, with bounded memory.
 *
 * <h2>Delivery guarantees</h2>
 *
 * <ul>
 *   <li>Messages this node sends to one peer arrive in the order {@link #send} was called, without
 *       duplicates. They may be lost: when the queue for the peer is full ({@link
 *       TransportStats#droppedQueueFull()}), or when they were in flight on a connection that
 *       broke.
 *   <li>A loss is safe for ZAB: every leader–learner message carries a session sequence number, so
 *       the core sees the gap and restarts the session cleanly; election messages are re-sent
 *       periodically anyway.
 *   <li>Messages queued while a peer is unreachable are kept (up to the queue limit, in order) and
 *       sent once it is reachable again.
 *   <li>Messages from streams that failed the cluster handshake, malformed messages, and messages
 *       whose sender or receiver does not match the stream are dropped and counted, never
 *       delivered.
 * </ul>
 *
 * <h2>Threading</h2>
 *
 * <p>Every method is thread-safe. {@link #send} never blocks and never throws for network problems.
 * The {@code inbound} consumer is called on the transport's I/O threads, possibly on several at
 * once (for different peers), but sequentially and in order for any one peer; it must be
 * thread-safe, must not block and should only enqueue (e.g. into the node's event loop inbox).
 */
public interface PeerTransport extends AutoCloseable {

  /**
   * Starts listening and sending. Call once.
   *
   * @param inbound receives every valid message addressed to this node; see the threading contract
   *     above. An exception it throws is logged and the message counts as received.
   * @throws java.io.UncheckedIOException if the port cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  void start(Consumer<Message> inbound);

  /**
   * Queues {@code message} for its receiver {@link Message#to()} and returns at once. Drops it (and
   * counts it) when the receiver's queue is full or the encoded message exceeds the size limit, and
   * silently after {@link #close()}.
   *
   * @throws IllegalArgumentException for a programming error: a {@link Message.LocalSynced} (never
   *     leaves its node), a message to this node itself (the runtime delivers those), or one whose
   *     {@link Message#from()} is not this node
   * @throws IllegalStateException if the transport was not started
   */
  void send(Message message);

  /**
   * The port the server listens on, useful after binding port 0.
   *
   * @throws IllegalStateException if the transport was not started
   */
  int port();

  /** A snapshot of the transport's counters. */
  TransportStats stats();

  /**
   * Stops the server and every connection and releases the port; queued messages are discarded.
   * Idempotent. Blocks for a few seconds at most; must not be called from the inbound consumer.
   */
  @Override
  void close();
}
