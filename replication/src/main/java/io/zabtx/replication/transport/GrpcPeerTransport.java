package io.zabtx.replication.transport;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.stub.StreamObserver;
import io.zabtx.replication.core.Message;
import io.zabtx.replication.transport.proto.Frame;
import io.zabtx.replication.transport.proto.Hello;
import io.zabtx.replication.transport.proto.PeerMessage;
import io.zabtx.replication.transport.proto.ZabPeerGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * {@link PeerTransport} over gRPC: one bidirectional {@code ZabPeer.Connect} stream from this node
 * to each peer it sends to, carrying this node's messages to that peer in order; the peer's
 * messages to this node come on the stream the peer opens. See {@code zab_peer.proto} for the
 * handshake.
 *
 * <p>Resources: one small Netty event loop group ({@value #IO_THREADS} threads) serves the server,
 * every client channel and the reconnect timers. gRPC callbacks run directly on those threads (no
 * executor hop), which is safe because nothing here blocks and the inbound consumer must not block
 * either. Memory is bounded by {@code sendQueueLimit} messages per peer plus gRPC's flow-control
 * window per stream.
 *
 * <p>Batching: while a stream is ready, everything waiting for its peer goes out in as few frames
 * as the {@code maxBatchMessages}/{@code maxBatchBytes} limits allow, since gRPC's per-frame cost
 * dominates under load. Nothing waits to fill a batch: a message sent to an idle stream goes at
 * once in a frame of its own, so batches form only when messages queue up (flow control or a busy
 * sender), and latency at low load is unchanged.
 *
 * <p>Tests on ephemeral ports: create every transport on port 0, {@link #start} each, read {@link
 * #port()}, then tell each the others' addresses with {@link #setPeerAddress}. Messages sent to a
 * peer whose address is not known yet wait in its queue.
 */
public final class GrpcPeerTransport implements PeerTransport {
  /**
   * The wire protocol version this node speaks; a Hello with another one is refused. Version 2
   * added batch frames, which a version 1 node would drop as malformed, so mixing them must fail
   * loudly.
   */
  static final int PROTOCOL_VERSION = 2;

  private static final Logger LOG = System.getLogger(GrpcPeerTransport.class.getName());
  private static final int IO_THREADS = 2;

  /**
   * Room for the Frame wrapper around a PeerMessage of the maximum size, or around a batch (at most
   * {@code maxBatchBytes <= maxMessageBytes}): a tag and a length, under 8 bytes, with slack.
   */
  private static final int FRAME_OVERHEAD_BYTES = 1024;

  /** Detects dead TCP connections (a crashed host) that would otherwise look open for minutes. */
  private static final long KEEPALIVE_SECONDS = 10;

  private static final long CLOSE_TIMEOUT_SECONDS = 5;
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final TransportConfig config;
  private final MessageCodec codec;
  private final ConcurrentMap<Long, InetSocketAddress> peers;
  private final ConcurrentMap<Long, PeerLink> links = new ConcurrentHashMap<>();
  private final ConcurrentMap<Long, InboundStream> openInbound = new ConcurrentHashMap<>();
  private final TransportCounters counters = new TransportCounters();
  private final ThrottledLog throttledLog = new ThrottledLog(LOG, LOG_INTERVAL_NANOS);

  // Written once under this by start(), then only read.
  private volatile LongConsumer peerLost = peer -> {};
  private volatile EventLoopGroup ioGroup;
  private volatile Server server;
  private volatile boolean closed;

  /** A transport for {@code config}; nothing is bound until {@link #start}. */
  public GrpcPeerTransport(TransportConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.codec = new MessageCodec(config.maxMessageBytes());
    this.peers = new ConcurrentHashMap<>(config.peers());
    this.peers.remove(config.selfSid());
  }

  @Override
  public synchronized void start(Consumer<Message> inbound, LongConsumer peerLost) {
    Objects.requireNonNull(inbound, "inbound");
    Objects.requireNonNull(peerLost, "peerLost");
    if (server != null || closed) {
      throw new IllegalStateException("a transport can be started once");
    }
    this.peerLost = peerLost;
    EventLoopGroup group = NettyIo.newGroup(IO_THREADS, "zab-peer-" + config.selfSid());
    InboundStream.Context ctx =
        new InboundStream.Context(
            config.clusterId(),
            config.selfSid(),
            peers,
            codec,
            inbound,
            counters,
            openInbound,
            throttledLog,
            this::reportPeerLost);
    Server s =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.bindHost(), config.bindPort()))
            .bossEventLoopGroup(group)
            .workerEventLoopGroup(group)
            .channelType(NettyIo.serverChannelType())
            .directExecutor()
            .maxInboundMessageSize(config.maxMessageBytes() + FRAME_OVERHEAD_BYTES)
            .maxConcurrentCallsPerConnection(16) // one stream per peer, a few while reconnecting
            .permitKeepAliveTime(KEEPALIVE_SECONDS / 2, TimeUnit.SECONDS)
            .addService(
                new ZabPeerGrpc.ZabPeerImplBase() {
                  @Override
                  public StreamObserver<Frame> connect(StreamObserver<Frame> responses) {
                    return new InboundStream(ctx, responses);
                  }
                })
            .build();
    try {
      s.start();
    } catch (IOException e) {
      group.shutdownGracefully(0, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      throw new UncheckedIOException(
          "server "
              + config.selfSid()
              + " cannot listen on "
              + config.bindHost()
              + ":"
              + config.bindPort()
              + " (port in use or address not local?)",
          e);
    }
    ioGroup = group;
    server = s;
    LOG.log(
        Level.INFO,
        "server {0}: peer transport of cluster {1} listening on {2}:{3,number,#} ({4})",
        config.selfSid(),
        config.clusterId(),
        config.bindHost(),
        s.getPort(),
        NettyIo.name());
  }

  /**
   * Names (or renames) the address of peer {@code sid}, which also makes it a member whose streams
   * this node accepts. An open stream to the old address is dropped and reopened at the new one.
   * Thread-safe; may be called before or after {@link #start}.
   */
  public void setPeerAddress(long sid, InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    if (sid <= 0 || sid == config.selfSid()) {
      throw new IllegalArgumentException(
          "peer sid must be positive and not this node's own (" + config.selfSid() + "): " + sid);
    }
    InetSocketAddress old = peers.put(sid, address);
    PeerLink link = links.get(sid);
    if (link != null && !address.equals(old)) {
      link.addressChanged();
    }
  }

  @Override
  public void send(Message message) {
    PeerLink link = enqueue(message);
    if (link != null) {
      link.flush();
    }
  }

  @Override
  public void sendAll(List<Message> messages) {
    if (messages.size() == 1) {
      send(messages.get(0));
      return;
    }
    // Queue everything first, then let each link drain once: its messages share frames.
    List<PeerLink> touched = new ArrayList<>(4);
    for (Message m : messages) {
      PeerLink link = enqueue(m);
      if (link != null && !touched.contains(link)) {
        touched.add(link);
      }
    }
    for (PeerLink link : touched) {
      link.flush();
    }
  }

  /** Validates, encodes and queues {@code message}; returns its link, or null if dropped. */
  private PeerLink enqueue(Message message) {
    Objects.requireNonNull(message, "message");
    if (message instanceof Message.LocalSynced) {
      throw new IllegalArgumentException("LocalSynced never leaves its node: " + message);
    }
    if (message.from() != config.selfSid()) {
      throw new IllegalArgumentException(
          "server " + config.selfSid() + " cannot send a message from " + message.from());
    }
    if (message.to() == config.selfSid()) {
      throw new IllegalArgumentException(
          "messages to the node itself are delivered by the runtime, not the transport: "
              + message);
    }
    if (server == null) {
      throw new IllegalStateException("start the transport before sending");
    }
    if (closed) {
      return null;
    }
    PeerMessage encoded = codec.encode(message);
    int size = encoded.getSerializedSize();
    if (size > config.maxMessageBytes()) {
      counters.droppedTooLarge.increment();
      throttledLog.log(
          Level.WARNING,
          "too-large:" + message.to(),
          "server "
              + config.selfSid()
              + ": dropped a message to "
              + message.to()
              + " of "
              + size
              + " bytes, over the limit of "
              + config.maxMessageBytes()
              + " (raise maxMessageBytes on every node, or send smaller batches)");
      return null;
    }
    PeerLink link = links.computeIfAbsent(message.to(), this::newLink);
    if (!link.enqueue(encoded)) {
      return null;
    }
    if (closed) {
      link.close(); // raced with close(), which may have missed this new link
      return null;
    }
    return link;
  }

  private PeerLink newLink(long sid) {
    Frame hello =
        Frame.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setClusterId(config.clusterId())
                    .setFromSid(config.selfSid())
                    .setToSid(sid)
                    .setProtocolVersion(PROTOCOL_VERSION))
            .build();
    return new PeerLink(
        config.selfSid(),
        sid,
        peers::get,
        this::newChannel,
        hello,
        config.sendQueueLimit(),
        config.maxBatchMessages(),
        config.maxBatchBytes(),
        new Backoff(config.reconnectBackoffMin(), config.reconnectBackoffMax()),
        ioGroup,
        counters,
        this::reportPeerLost);
  }

  /**
   * Tells the runtime that an accepted stream with {@code sid} broke; called on an I/O thread.
   * Silent once closing: close() ends every stream itself, which says nothing about the peer.
   */
  private void reportPeerLost(long sid) {
    if (closed) {
      return;
    }
    LOG.log(Level.DEBUG, "server {0}: connection with peer {1} lost", config.selfSid(), sid);
    try {
      peerLost.accept(sid);
    } catch (RuntimeException e) {
      LOG.log(
          Level.ERROR,
          "server " + config.selfSid() + ": the peer-lost consumer failed for peer " + sid,
          e);
    }
  }

  private ManagedChannel newChannel(InetSocketAddress address) {
    // An unresolved address (a DNS name given before it resolves, e.g. a pod that is not up yet)
    // goes through gRPC's name resolver, which resolves it at connect time and again after
    // failures; a resolved one is used as it is.
    NettyChannelBuilder builder =
        address.isUnresolved()
            ? NettyChannelBuilder.forAddress(address.getHostString(), address.getPort())
            : NettyChannelBuilder.forAddress(address);
    return builder
        .eventLoopGroup(ioGroup)
        .channelType(NettyIo.channelType())
        .usePlaintext()
        .directExecutor()
        .disableRetry() // PeerLink reconnects; a replayed stream could reorder messages
        .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
        .keepAliveTimeout(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
        .maxInboundMessageSize(FRAME_OVERHEAD_BYTES) // the peer only ever answers with a Hello
        .build();
  }

  @Override
  public int port() {
    Server s = server;
    if (s == null) {
      throw new IllegalStateException("the transport is not started");
    }
    return s.getPort();
  }

  @Override
  public TransportStats stats() {
    Map<Long, Integer> depths = new HashMap<>();
    Set<Long> connected = new HashSet<>();
    links.forEach(
        (sid, link) -> {
          depths.put(sid, link.queueDepth());
          if (link.connected()) {
            connected.add(sid);
          }
        });
    return new TransportStats(
        counters.sent.sum(),
        counters.framesSent.sum(),
        counters.received.sum(),
        counters.droppedQueueFull.sum(),
        counters.droppedTooLarge.sum(),
        counters.droppedMalformed.sum(),
        counters.droppedMisaddressed.sum(),
        counters.handshakesRefused.sum(),
        counters.reconnects.sum(),
        depths,
        connected);
  }

  @Override
  public void close() {
    Server s;
    EventLoopGroup group;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      s = server;
      group = ioGroup;
    }
    List<ManagedChannel> channels = new ArrayList<>();
    for (PeerLink link : links.values()) {
      ManagedChannel ch = link.close();
      if (ch != null) {
        channels.add(ch);
      }
    }
    if (s != null) {
      s.shutdownNow();
    }
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_TIMEOUT_SECONDS);
      for (ManagedChannel ch : channels) {
        ch.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      }
      if (s != null) {
        s.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (group != null) {
      group
          .shutdownGracefully(0, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .awaitUninterruptibly(2 * CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    LOG.log(Level.DEBUG, "server {0}: peer transport closed", config.selfSid());
  }
}
