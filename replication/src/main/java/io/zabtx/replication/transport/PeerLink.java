package io.zabtx.replication.transport;

import com.google.protobuf.CodedOutputStream;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.zabtx.replication.transport.proto.Batch;
import io.zabtx.replication.transport.proto.Frame;
import io.zabtx.replication.transport.proto.PeerMessage;
import io.zabtx.replication.transport.proto.ZabPeerGrpc;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * This node's outbound side towards one peer: a bounded FIFO queue and the one gRPC stream that
 * drains it, reopened with backoff whenever it fails.
 *
 * <p>A stream starts with a Hello; messages flow only once the peer answered with its own Hello, so
 * a peer that refuses us (or is down) leaves the queue intact. Sending respects gRPC flow control:
 * the queue is drained only while the stream {@code isReady()}, and the stream's on-ready handler
 * resumes draining, so nothing buffers inside gRPC beyond its small window. Each write takes
 * everything waiting, up to the batch limits, into one frame: a Batch when more than one message
 * waits, the plain message otherwise.
 *
 * <p>When a stream the peer had accepted ends, the link reports the peer lost (on an I/O thread)
 * before it reconnects; a stream that was never accepted, or that the link itself dropped (address
 * change, close), reports nothing.
 *
 * <p>Every call on the stream's request observer (which is not thread-safe) happens inside {@link
 * #pump()}, which runs on one thread at a time: a caller of {@code send}, or a gRPC I/O thread. The
 * connection state (channel, current stream, reconnect timer) is guarded by {@code this}; gRPC
 * calls that may call back (starting a call, shutting a channel down) are made outside that lock.
 */
final class PeerLink {
  private static final Logger LOG = System.getLogger(PeerLink.class.getName());

  private final long selfSid;
  private final long peerSid;
  private final LongFunction<InetSocketAddress> addressOf;
  private final Function<InetSocketAddress, ManagedChannel> channelFactory;
  private final Frame hello;
  private final BlockingQueue<PeerMessage> queue;
  private final int maxBatchMessages;
  private final int maxBatchBytes;
  private final ScheduledExecutorService scheduler;
  private final TransportCounters counters;
  private final LongConsumer peerLost;
  private final AtomicInteger pumpWork = new AtomicInteger();

  /** The stream in use, or null while connecting is pending; written under {@code this}. */
  private volatile OutboundStream current;

  // Guarded by this.
  private final Backoff backoff;
  private ManagedChannel channel;
  private InetSocketAddress channelAddress;
  private boolean reconnectScheduled;
  private boolean failedBefore; // the next stream opened is a reconnect
  private boolean outageLogged;
  private boolean closed;

  PeerLink(
      long selfSid,
      long peerSid,
      LongFunction<InetSocketAddress> addressOf,
      Function<InetSocketAddress, ManagedChannel> channelFactory,
      Frame hello,
      int queueLimit,
      int maxBatchMessages,
      int maxBatchBytes,
      Backoff backoff,
      ScheduledExecutorService scheduler,
      TransportCounters counters,
      LongConsumer peerLost) {
    this.selfSid = selfSid;
    this.peerSid = peerSid;
    this.addressOf = addressOf;
    this.channelFactory = channelFactory;
    this.hello = hello;
    this.queue = new LinkedBlockingQueue<>(queueLimit);
    this.maxBatchMessages = maxBatchMessages;
    this.maxBatchBytes = maxBatchBytes;
    this.backoff = backoff;
    this.scheduler = scheduler;
    this.counters = counters;
    this.peerLost = peerLost;
  }

  /**
   * Queues {@code message} without sending it yet, or, when the queue is full, drops and counts it
   * and returns false. Never blocks. Call {@link #flush()} after the last of a group.
   */
  boolean enqueue(PeerMessage message) {
    if (!queue.offer(message)) {
      counters.droppedQueueFull.increment();
      return false;
    }
    return true;
  }

  /** Sends what is queued (in as few frames as the limits allow), connecting first if needed. */
  void flush() {
    if (current == null) {
      connect();
    } else {
      pump();
    }
  }

  int queueDepth() {
    return queue.size();
  }

  boolean connected() {
    OutboundStream s = current;
    return s != null && s.accepted;
  }

  /** The peer's address changed: drop the old connection and connect to the new one. */
  void addressChanged() {
    ManagedChannel old;
    synchronized (this) {
      if (closed) {
        return;
      }
      old = channel;
      channel = null;
      channelAddress = null;
      current = null;
      reconnectScheduled = false; // a pending timer finds a stream already open and does nothing
      backoff.reset();
    }
    if (old != null) {
      old.shutdownNow(); // ends the old stream; its callbacks find it is no longer current
    }
    connect();
  }

  /** Stops for good; returns the channel to await, or null. Queued messages are discarded. */
  ManagedChannel close() {
    ManagedChannel ch;
    synchronized (this) {
      closed = true;
      ch = channel;
      channel = null;
      current = null;
    }
    queue.clear();
    if (ch != null) {
      ch.shutdownNow();
    }
    return ch;
  }

  /** Opens a stream unless one is open, a reconnect is pending or the address is unknown. */
  private void connect() {
    OutboundStream stream;
    ManagedChannel ch;
    ManagedChannel stale = null;
    synchronized (this) {
      if (closed || current != null || reconnectScheduled) {
        return;
      }
      InetSocketAddress address = addressOf.apply(peerSid);
      if (address == null) {
        return; // queued until GrpcPeerTransport.setPeerAddress names the peer
      }
      if (channel == null || !address.equals(channelAddress)) {
        stale = channel;
        channel = channelFactory.apply(address);
        channelAddress = address;
      }
      if (failedBefore) {
        counters.reconnects.increment();
        failedBefore = false;
      }
      ch = channel;
      stream = new OutboundStream();
      current = stream;
    }
    if (stale != null) {
      stale.shutdownNow();
    }
    // The channel's own connect backoff (up to 2 min) would make our fail-fast call fail at once
    // while the peer may already be back; our backoff decides when to try.
    ch.resetConnectBackoff();
    try {
      ZabPeerGrpc.newStub(ch).connect(stream);
    } catch (RuntimeException e) { // e.g. the channel was shut down concurrently
      ended(stream, Status.fromThrowable(e));
      return;
    }
    pump();
  }

  /**
   * Writes what can be written now: the stream's Hello, then queued messages while gRPC is ready
   * for more. Runs on one thread at a time; a call that finds it running leaves a note so the
   * running thread loops once more.
   */
  void pump() {
    if (pumpWork.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      OutboundStream s = current;
      if (s != null) {
        try {
          s.write();
        } catch (RuntimeException e) { // the call failed under us: treat like a broken stream
          ended(s, Status.fromThrowable(e));
        }
      }
      missed = pumpWork.addAndGet(-missed);
    } while (missed != 0);
  }

  private void accepted(OutboundStream stream) {
    synchronized (this) {
      if (stream != current) {
        return;
      }
      stream.accepted = true;
      backoff.reset();
      if (outageLogged) {
        LOG.log(Level.INFO, "server {0}: connected to peer {1} again", selfSid, peerSid);
      }
      outageLogged = false;
    }
    pump();
  }

  private void ended(OutboundStream stream, Status status) {
    long delayNanos;
    boolean wasAccepted;
    synchronized (this) {
      if (stream != current || closed) {
        return;
      }
      current = null;
      failedBefore = true;
      wasAccepted = stream.accepted;
      logEnd(stream, status);
      delayNanos = backoff.nextDelayNanos();
      reconnectScheduled = true;
    }
    try {
      if (wasAccepted) {
        // ended() may run on a send() caller's thread (a failed write); the contract promises an
        // I/O thread, and the caller may be the very event loop the consumer posts to.
        scheduler.execute(() -> peerLost.accept(peerSid));
      }
      scheduler.schedule(this::reconnect, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The transport is closing and its I/O threads are gone.
    }
  }

  private void reconnect() {
    synchronized (this) {
      reconnectScheduled = false;
    }
    connect();
  }

  private void logEnd(OutboundStream stream, Status status) {
    boolean refused =
        status.getCode() == Status.Code.FAILED_PRECONDITION
            || status.getCode() == Status.Code.PERMISSION_DENIED
            || status.getCode() == Status.Code.INVALID_ARGUMENT;
    String what =
        refused
            ? "server {0}: peer {1} at {2} refused this node: {3}; check the cluster id and the peer map"
            : stream.accepted
                ? "server {0}: stream to peer {1} at {2} ended ({3}); reconnecting"
                : "server {0}: cannot reach peer {1} at {2} ({3}); retrying with backoff";
    Level level = refused ? Level.WARNING : Level.INFO;
    if (stream.accepted || !outageLogged) {
      LOG.log(level, what, selfSid, peerSid, channelAddress, describe(status));
      outageLogged = true;
    } else {
      LOG.log(Level.DEBUG, what, selfSid, peerSid, channelAddress, describe(status));
    }
  }

  /**
   * The bytes {@code m} adds to a Batch: its encoded size (computed once at send and cached by
   * protobuf, so nothing is serialized here) plus the field tag and length prefix.
   */
  private static long batchedSize(PeerMessage m) {
    return CodedOutputStream.computeMessageSize(Batch.MESSAGES_FIELD_NUMBER, m);
  }

  private static String describe(Status status) {
    return status.getDescription() == null
        ? status.getCode().toString()
        : status.getCode() + ": " + status.getDescription();
  }

  /** One attempt at a stream to the peer; gRPC calls back into it on its I/O threads. */
  private final class OutboundStream implements ClientResponseObserver<Frame, Frame> {
    private volatile ClientCallStreamObserver<Frame> requests;
    private volatile boolean accepted;
    private boolean helloSent; // touched only inside pump()

    @Override
    public void beforeStart(ClientCallStreamObserver<Frame> requestStream) {
      requests = requestStream;
      requestStream.setOnReadyHandler(PeerLink.this::pump);
    }

    /** Called only inside pump(). */
    void write() {
      ClientCallStreamObserver<Frame> out = requests;
      if (out == null) {
        return;
      }
      if (!helloSent) {
        out.onNext(hello);
        helloSent = true;
      }
      if (!accepted) {
        return;
      }
      while (out.isReady()) {
        PeerMessage first = queue.poll();
        if (first == null) {
          return;
        }
        long bytes = batchedSize(first);
        PeerMessage next = maxBatchMessages > 1 ? queue.peek() : null;
        if (next == null || bytes + batchedSize(next) > maxBatchBytes) {
          // Alone: nothing else waits, or the next one would overflow the batch. A message over
          // maxBatchBytes (but within maxMessageBytes, checked at send) also goes this way.
          out.onNext(Frame.newBuilder().setMessage(first).build());
          counters.sent.increment();
        } else {
          Batch.Builder batch = Batch.newBuilder().addMessages(first);
          do {
            // Takes the message just peeked: this pump is the queue's only taker. (close() may
            // clear the queue meanwhile, but then this stream is being torn down anyway.)
            queue.poll();
            batch.addMessages(next);
            bytes += batchedSize(next);
            next = batch.getMessagesCount() < maxBatchMessages ? queue.peek() : null;
          } while (next != null && bytes + batchedSize(next) <= maxBatchBytes);
          out.onNext(Frame.newBuilder().setBatch(batch).build());
          counters.sent.add(batch.getMessagesCount());
        }
        counters.framesSent.increment();
      }
    }

    @Override
    public void onNext(Frame frame) {
      if (frame.hasHello() && !accepted) {
        accepted(this);
      }
    }

    @Override
    public void onError(Throwable t) {
      ended(this, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended(this, Status.UNAVAILABLE.withDescription("the peer ended the stream"));
    }
  }
}
