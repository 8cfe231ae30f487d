package io.zabtx.replication.transport;

import io.zabtx.replication.core.Message;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

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
 *
 * <h2>Peer-lost notifications</h2>
 *
 * <p>The optional {@code peerLost} consumer of {@link #start(Consumer, LongConsumer)} hears at once
 * that a connection to a peer broke — the peer may be down (killed, crashed, partitioned) or merely
 * restarting its stream — so that, for example, a follower can start an election without waiting
 * for its timeout. It is a hint, never a verdict: the transport keeps reconnecting and delivering
 * as before. It is called with the peer's sid when
 *
 * <ul>
 *   <li>a stream the peer opened to this node, and that passed the handshake, ends (with an error
 *       or completed) without a newer stream from that peer having replaced it, or
 *   <li>a stream this node opened to the peer, and that the peer accepted, ends.
 * </ul>
 *
 * <p>It may be called more than once for one outage (once per direction, and again after each
 * reconnect that is accepted and breaks), never for a peer no stream was ever accepted with, and
 * not for the connections {@link #close()} itself tears down, nor after {@code close()} returned.
 * Like {@code inbound} it runs on the transport's I/O threads, possibly concurrently with {@code
 * inbound} and with itself for other peers; it must be thread-safe and must not block, and an
 * exception it throws is logged and otherwise ignored.
 */
public interface PeerTransport extends AutoCloseable {

  /**
   * Starts listening and sending, without peer-lost notifications. Call once (this or {@link
   * #start(Consumer, LongConsumer)}).
   *
   * @param inbound receives every valid message addressed to this node; see the threading contract
   *     above. An exception it throws is logged and the message counts as received.
   * @throws java.io.UncheckedIOException if the port cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  default void start(Consumer<Message> inbound) {
    start(inbound, peer -> {});
  }

  /**
   * Starts listening and sending. Call once (this or {@link #start(Consumer)}).
   *
   * @param inbound receives every valid message addressed to this node; see the threading contract
   *     above. An exception it throws is logged and the message counts as received.
   * @param peerLost receives the sid of a peer whose connection broke; see "Peer-lost
   *     notifications" above
   * @throws java.io.UncheckedIOException if the port cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  void start(Consumer<Message> inbound, LongConsumer peerLost);

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
   * Sends every message of {@code messages} as {@link #send} would, in list order, and lets the
   * transport put those for one peer into as few frames as possible: an event loop that hands over
   * everything one iteration produced pays the per-frame cost once per peer, not once per message.
   * Per-peer FIFO order holds across {@code send} and {@code sendAll} calls.
   *
   * @throws IllegalArgumentException as {@link #send}; messages before the bad one may have been
   *     queued
   * @throws IllegalStateException if the transport was not started
   */
  default void sendAll(List<Message> messages) {
    for (Message m : messages) {
      send(m);
    }
  }

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
