package io.zabtx.replication.transport;

import java.util.Map;
import java.util.Set;

/**
 * A point-in-time snapshot of a transport's counters, for metrics and tests. Counters only grow
 * over the life of the transport.
 *
 * @param messagesSent messages handed to an open stream (they may still be lost in flight)
 * @param framesSent gRPC frames those messages went out in, each one message or a batch; {@code
 *     messagesSent / framesSent} is the mean batch size
 * @param messagesReceived valid messages delivered to the inbound consumer
 * @param droppedQueueFull messages dropped because the peer's send queue was full
 * @param droppedTooLarge messages not sent because they encode to more than the size limit
 * @param droppedMalformed received messages that failed to decode
 * @param droppedMisaddressed received messages whose sender differs from the stream's handshake or
 *     whose receiver is not this node
 * @param handshakesRefused inbound streams refused (wrong cluster, unknown sender, wrong receiver,
 *     unsupported protocol version, or no Hello first)
 * @param reconnects outbound streams opened again after a previous one to the same peer failed
 * @param queueDepthByPeer messages waiting to be sent, per peer sid
 * @param connectedPeers peers to which an outbound stream is open and accepted
 */
public record TransportStats(
    long messagesSent,
    long framesSent,
    long messagesReceived,
    long droppedQueueFull,
    long droppedTooLarge,
    long droppedMalformed,
    long droppedMisaddressed,
    long handshakesRefused,
    long reconnects,
    Map<Long, Integer> queueDepthByPeer,
    Set<Long> connectedPeers) {

  /** Copies the collections. */
  public TransportStats {
    queueDepthByPeer = Map.copyOf(queueDepthByPeer);
    connectedPeers = Set.copyOf(connectedPeers);
  }

  /** The messages waiting for {@code sid}, 0 if none. */
  public int queueDepth(long sid) {
    return queueDepthByPeer.getOrDefault(sid, 0);
  }
}
