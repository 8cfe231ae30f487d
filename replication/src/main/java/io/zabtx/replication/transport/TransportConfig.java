package io.zabtx.replication.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Static configuration of one node's {@link GrpcPeerTransport}.
 *
 * @param clusterId the ensemble's name; streams from another cluster are refused
 * @param selfSid this node's server id (positive)
 * @param bindHost the address the server listens on ({@code "0.0.0.0"} for all, {@code "127.0.0.1"}
 *     for loopback only)
 * @param bindPort the port the server listens on; 0 picks a free one, see {@link
 *     PeerTransport#port()}
 * @param peers server id → address of every other member; the server accepts streams only from
 *     these ids. May include this node itself (ignored), so that every node can share one map.
 *     Addresses can also be given, or changed, after start with {@link
 *     GrpcPeerTransport#setPeerAddress}.
 * @param sendQueueLimit how many messages may wait for each peer before new ones are dropped
 * @param maxMessageBytes the largest encoded message sent or accepted
 * @param reconnectBackoffMin the first delay before reconnecting to a peer
 * @param reconnectBackoffMax the longest delay between reconnect attempts
 * @param maxBatchMessages the most messages packed into one frame when several wait for a peer; 1
 *     turns batching off
 * @param maxBatchBytes the largest encoded size of a batch frame's messages (with their per-message
 *     framing); at most {@code maxMessageBytes}, so that a batch fits wherever one message of the
 *     maximum size fits on the receiver (every node is assumed to use the same {@code
 *     maxMessageBytes}). A single message larger than this still goes, alone in its frame.
 */
public record TransportConfig(
    String clusterId,
    long selfSid,
    String bindHost,
    int bindPort,
    Map<Long, InetSocketAddress> peers,
    int sendQueueLimit,
    int maxMessageBytes,
    Duration reconnectBackoffMin,
    Duration reconnectBackoffMax,
    int maxBatchMessages,
    int maxBatchBytes) {

  /** Messages that may wait per peer by default. */
  public static final int DEFAULT_SEND_QUEUE_LIMIT = 10_000;

  /** The default largest message: 64 MiB, enough for a SNAP of a modest state machine. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /** The largest allowed {@code maxMessageBytes}: 1 GiB. */
  public static final int MAX_MAX_MESSAGE_BYTES = 1024 * 1024 * 1024;

  /** The default first reconnect delay. */
  public static final Duration DEFAULT_BACKOFF_MIN = Duration.ofMillis(10);

  /** The default longest reconnect delay. */
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(1);

  /**
   * The default most messages per frame: enough to amortise gRPC's per-frame cost, few enough that
   * one frame does not hold a peer's event loop for long.
   */
  public static final int DEFAULT_MAX_BATCH_MESSAGES = 512;

  /**
   * The default largest batch: 1 MiB. Far above what 512 small messages need, so it binds only for
   * large ones (proposals with big payloads, sync entries), where it caps how much one frame holds
   * in memory on both sides and how long the receiver's I/O thread spends decoding it.
   */
  public static final int DEFAULT_MAX_BATCH_BYTES = 1024 * 1024;

  /** Validates every field and copies {@code peers}. */
  public TransportConfig {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(reconnectBackoffMin, "reconnectBackoffMin");
    Objects.requireNonNull(reconnectBackoffMax, "reconnectBackoffMax");
    peers = Map.copyOf(peers); // rejects null keys and addresses
    if (clusterId.isBlank()) {
      throw new IllegalArgumentException("clusterId must not be blank");
    }
    if (selfSid <= 0) {
      throw new IllegalArgumentException("selfSid must be positive, got " + selfSid);
    }
    if (bindPort < 0 || bindPort > 65_535) {
      throw new IllegalArgumentException("bindPort must be in [0, 65535], got " + bindPort);
    }
    for (long sid : peers.keySet()) {
      if (sid <= 0) {
        throw new IllegalArgumentException("peer sids must be positive, got " + sid);
      }
    }
    if (sendQueueLimit < 1) {
      throw new IllegalArgumentException("sendQueueLimit must be positive, got " + sendQueueLimit);
    }
    if (maxMessageBytes < 1024 || maxMessageBytes > MAX_MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException(
          "maxMessageBytes must be in [1 KiB, 1 GiB] (protobuf messages stay below 2 GiB), got "
              + maxMessageBytes);
    }
    if (reconnectBackoffMin.isNegative()
        || reconnectBackoffMin.isZero()
        || reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
      throw new IllegalArgumentException(
          "need 0 < reconnectBackoffMin <= reconnectBackoffMax, got "
              + reconnectBackoffMin
              + " and "
              + reconnectBackoffMax);
    }
    if (maxBatchMessages < 1) {
      throw new IllegalArgumentException(
          "maxBatchMessages must be positive (1 turns batching off), got " + maxBatchMessages);
    }
    if (maxBatchBytes < 1 || maxBatchBytes > maxMessageBytes) {
      throw new IllegalArgumentException(
          "maxBatchBytes must be in [1, maxMessageBytes = "
              + maxMessageBytes
              + "] so that a batch fits the receiver's frame limit, got "
              + maxBatchBytes);
    }
  }

  /** A configuration with the default queue limit, message size limit, backoff and batching. */
  public static TransportConfig of(
      String clusterId,
      long selfSid,
      String bindHost,
      int bindPort,
      Map<Long, InetSocketAddress> peers) {
    return new TransportConfig(
        clusterId,
        selfSid,
        bindHost,
        bindPort,
        peers,
        DEFAULT_SEND_QUEUE_LIMIT,
        DEFAULT_MAX_MESSAGE_BYTES,
        DEFAULT_BACKOFF_MIN,
        DEFAULT_BACKOFF_MAX,
        DEFAULT_MAX_BATCH_MESSAGES,
        DEFAULT_MAX_BATCH_BYTES);
  }

  /** A loopback configuration on an ephemeral port with no peers yet, as tests use. */
  public static TransportConfig loopback(String clusterId, long selfSid) {
    return of(clusterId, selfSid, "127.0.0.1", 0, Map.of());
  }

  /** This configuration with another per-peer queue limit. */
  public TransportConfig withSendQueueLimit(int limit) {
    return new TransportConfig(
        clusterId,
        selfSid,
        bindHost,
        bindPort,
        peers,
        limit,
        maxMessageBytes,
        reconnectBackoffMin,
        reconnectBackoffMax,
        maxBatchMessages,
        maxBatchBytes);
  }

  /**
   * This configuration with another message size limit. A {@code maxBatchBytes} above the new limit
   * is lowered to it, since a batch must fit where one message fits.
   */
  public TransportConfig withMaxMessageBytes(int bytes) {
    return new TransportConfig(
        clusterId,
        selfSid,
        bindHost,
        bindPort,
        peers,
        sendQueueLimit,
        bytes,
        reconnectBackoffMin,
        reconnectBackoffMax,
        maxBatchMessages,
        Math.min(maxBatchBytes, bytes));
  }

  /** This configuration listening on another port. */
  public TransportConfig withBindPort(int port) {
    return new TransportConfig(
        clusterId,
        selfSid,
        bindHost,
        port,
        peers,
        sendQueueLimit,
        maxMessageBytes,
        reconnectBackoffMin,
        reconnectBackoffMax,
        maxBatchMessages,
        maxBatchBytes);
  }

  /** This configuration with other peers. */
  public TransportConfig withPeers(Map<Long, InetSocketAddress> newPeers) {
    return new TransportConfig(
        clusterId,
        selfSid,
        bindHost,
        bindPort,
        newPeers,
        sendQueueLimit,
        maxMessageBytes,
        reconnectBackoffMin,
        reconnectBackoffMax,
        maxBatchMessages,
        maxBatchBytes);
  }

  /** This configuration with another reconnect backoff. */
  public TransportConfig withReconnectBackoff(Duration min, Duration max) {
    return new TransportConfig(
        clusterId,
        selfSid,
        bindHost,
        bindPort,
        peers,
        sendQueueLimit,
        maxMessageBytes,
        min,
        max,
        maxBatchMessages,
        maxBatchBytes);
  }

  /**
   * This configuration with other batching limits: at most {@code messages} messages and {@code
   * bytes} encoded bytes per frame ({@code messages} = 1 turns batching off).
   */
  public TransportConfig withBatchLimits(int messages, int bytes) {
    return new TransportConfig(
        clusterId,
        selfSid,
        bindHost,
        bindPort,
        peers,
        sendQueueLimit,
        maxMessageBytes,
        reconnectBackoffMin,
        reconnectBackoffMax,
        messages,
        bytes);
  }
}
