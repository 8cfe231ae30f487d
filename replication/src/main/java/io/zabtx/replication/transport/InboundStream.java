package io.zabtx.replication.transport;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.zabtx.replication.core.Message;
import io.zabtx.replication.transport.proto.Frame;
import io.zabtx.replication.transport.proto.Hello;
import io.zabtx.replication.transport.proto.PeerMessage;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The server side of one peer's stream to this node: checks the Hello, then decodes and delivers
 * the peer's messages in order, whether they come one per frame or in batches. A bad member of a
 * batch is dropped alone; the others are still delivered, in order.
 *
 * <p>gRPC calls one stream's observer methods one at a time, so the state below needs no lock.
 * Nothing from a stream is delivered before its Hello passed: the right cluster, a known member
 * other than this node, this node as the receiver, a supported protocol version. When a peer opens
 * a new stream, its older one (if gRPC has not yet noticed it is dead) is superseded and delivers
 * nothing more, so the peer's messages stay in order across a reconnect.
 *
 * <p>When the stream that is the peer's current one ends, the peer is reported lost; a superseded
 * stream's end is not news (the peer is connected on the newer one), nor is a refused stream's.
 */
final class InboundStream implements StreamObserver<Frame> {
  private static final Logger LOG = System.getLogger(InboundStream.class.getName());

  /** What an inbound stream needs from its transport. */
  record Context(
      String clusterId,
      long selfSid,
      Map<Long, InetSocketAddress> members,
      MessageCodec codec,
      Consumer<Message> inbound,
      TransportCounters counters,
      ConcurrentMap<Long, InboundStream> openStreams,
      ThrottledLog throttledLog,
      LongConsumer peerLost) {}

  private enum State {
    AWAITING_HELLO,
    OPEN,
    REFUSED
  }

  private final Context ctx;
  private final ServerCallStreamObserver<Frame> responses;
  private State state = State.AWAITING_HELLO;
  private long peerSid;
  private volatile boolean superseded;

  InboundStream(Context ctx, StreamObserver<Frame> responses) {
    this.ctx = ctx;
    this.responses = (ServerCallStreamObserver<Frame>) responses;
    // Without a handler gRPC throws from onNext on a cancelled call; cancellation needs no action.
    this.responses.setOnCancelHandler(() -> {});
  }

  @Override
  public void onNext(Frame frame) {
    switch (state) {
      case AWAITING_HELLO -> handshake(frame);
      case OPEN -> deliver(frame);
      case REFUSED -> {} // frames that raced with the refusal
    }
  }

  private void handshake(Frame frame) {
    if (!frame.hasHello()) {
      refuse(Status.INVALID_ARGUMENT, "unknown", "the first frame of a stream must be a Hello");
      return;
    }
    Hello h = frame.getHello();
    String peer = "server " + h.getFromSid();
    if (h.getProtocolVersion() != GrpcPeerTransport.PROTOCOL_VERSION) {
      refuse(
          Status.FAILED_PRECONDITION,
          peer,
          "protocol version "
              + h.getProtocolVersion()
              + " is not supported; this node speaks version "
              + GrpcPeerTransport.PROTOCOL_VERSION);
    } else if (!h.getClusterId().equals(ctx.clusterId())) {
      refuse(
          Status.FAILED_PRECONDITION,
          peer,
          "cluster id '"
              + h.getClusterId()
              + "' does not match this node's cluster '"
              + ctx.clusterId()
              + "'");
    } else if (h.getToSid() != ctx.selfSid()) {
      refuse(
          Status.FAILED_PRECONDITION,
          peer,
          "the stream is meant for server "
              + h.getToSid()
              + " but reached server "
              + ctx.selfSid()
              + "; check the peer address map");
    } else if (h.getFromSid() == ctx.selfSid() || !ctx.members().containsKey(h.getFromSid())) {
      refuse(
          Status.PERMISSION_DENIED,
          peer,
          "server "
              + h.getFromSid()
              + " is not a member of cluster '"
              + ctx.clusterId()
              + "' known to server "
              + ctx.selfSid());
    } else {
      accept(h);
    }
  }

  private void accept(Hello h) {
    state = State.OPEN;
    peerSid = h.getFromSid();
    InboundStream older = ctx.openStreams().put(peerSid, this);
    if (older != null) {
      older.superseded = true;
    }
    responses.onNext(
        Frame.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setClusterId(ctx.clusterId())
                    .setFromSid(ctx.selfSid())
                    .setToSid(peerSid)
                    .setProtocolVersion(GrpcPeerTransport.PROTOCOL_VERSION))
            .build());
    LOG.log(Level.DEBUG, "server {0}: accepted a stream from peer {1}", ctx.selfSid(), peerSid);
  }

  private void refuse(Status status, String peer, String reason) {
    state = State.REFUSED;
    ctx.counters().handshakesRefused.increment();
    ctx.throttledLog()
        .log(
            Level.WARNING,
            "refused:" + peer + ":" + status.getCode(),
            "server " + ctx.selfSid() + ": refused a stream from " + peer + ": " + reason);
    responses.onError(status.withDescription(reason).asRuntimeException());
  }

  private void deliver(Frame frame) {
    switch (frame.getKindCase()) {
      case MESSAGE -> deliver(frame.getMessage());
      case BATCH -> {
        List<PeerMessage> members = frame.getBatch().getMessagesList();
        if (members.isEmpty()) {
          dropMalformed("an empty batch"); // a correct sender never makes one
        }
        for (PeerMessage member : members) {
          deliver(member);
        }
      }
      default -> dropMalformed("a frame after the Hello carries neither a message nor a batch");
    }
  }

  private void deliver(PeerMessage wire) {
    // Checked per message, not per frame: a newer stream may be accepted in the middle of a batch.
    if (superseded) {
      return; // the peer has a newer stream; this one's stragglers would break FIFO
    }
    Message m;
    try {
      m = ctx.codec().decode(wire);
    } catch (MalformedMessageException e) {
      dropMalformed(e.getMessage());
      return;
    }
    if (m.from() != peerSid || m.to() != ctx.selfSid()) {
      ctx.counters().droppedMisaddressed.increment();
      ctx.throttledLog()
          .log(
              Level.WARNING,
              "misaddressed:" + peerSid,
              "server "
                  + ctx.selfSid()
                  + ": dropped a message from "
                  + m.from()
                  + " to "
                  + m.to()
                  + " on the stream of peer "
                  + peerSid);
      return;
    }
    ctx.counters().received.increment();
    try {
      ctx.inbound().accept(m);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "server " + ctx.selfSid() + ": the inbound consumer failed on " + m, e);
    }
  }

  private void dropMalformed(String reason) {
    ctx.counters().droppedMalformed.increment();
    ctx.throttledLog()
        .log(
            Level.WARNING,
            "malformed:" + peerSid,
            "server "
                + ctx.selfSid()
                + ": dropped a malformed message from peer "
                + peerSid
                + ": "
                + reason);
  }

  @Override
  public void onError(Throwable t) {
    forget();
  }

  @Override
  public void onCompleted() {
    forget();
    if (state != State.REFUSED) {
      responses.onCompleted();
    }
  }

  private void forget() {
    // remove() succeeds only for the peer's current stream: a superseded one ending says nothing
    // about the peer, which is connected on the newer stream.
    if (state == State.OPEN && ctx.openStreams().remove(peerSid, this)) {
      LOG.log(Level.DEBUG, "server {0}: the stream from peer {1} ended", ctx.selfSid(), peerSid);
      ctx.peerLost().accept(peerSid);
    }
  }
}
