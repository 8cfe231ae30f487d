package io.zabtx.replication.transport;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.zabtx.replication.transport.proto.Batch;
import io.zabtx.replication.transport.proto.Frame;
import io.zabtx.replication.transport.proto.Hello;
import io.zabtx.replication.transport.proto.PeerMessage;
import io.zabtx.replication.transport.proto.ZabPeerGrpc;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A hand-driven client of the ZabPeer service that can send what a well-behaved transport never
 * would: a wrong Hello, no Hello, messages with a forged sender, hand-built batches, several
 * streams on one connection.
 */
final class RawPeer implements AutoCloseable {
  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final StreamObserver<Frame> requests;
  final CompletableFuture<Hello> accepted = new CompletableFuture<>();
  final CompletableFuture<Status> closed = new CompletableFuture<>();

  RawPeer(int port) {
    this(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build(), true);
  }

  private RawPeer(ManagedChannel channel, boolean ownsChannel) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    requests =
        ZabPeerGrpc.newStub(channel)
            .connect(
                new StreamObserver<>() {
                  @Override
                  public void onNext(Frame f) {
                    if (f.hasHello()) {
                      accepted.complete(f.getHello());
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    closed.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    closed.complete(Status.OK);
                  }
                });
  }

  static Frame hello(String clusterId, long from, long to) {
    return hello(clusterId, from, to, GrpcPeerTransport.PROTOCOL_VERSION);
  }

  static Frame hello(String clusterId, long from, long to, int version) {
    return Frame.newBuilder()
        .setHello(
            Hello.newBuilder()
                .setClusterId(clusterId)
                .setFromSid(from)
                .setToSid(to)
                .setProtocolVersion(version))
        .build();
  }

  /** A batch frame of {@code members}, as given (it may be empty). */
  static Frame batch(PeerMessage... members) {
    return Frame.newBuilder().setBatch(Batch.newBuilder().addAllMessages(List.of(members))).build();
  }

  /**
   * A new stream on this one's connection (HTTP/2 stream), which the server sees in order with this
   * one's frames. Closing it leaves the connection to this one.
   */
  RawPeer anotherStream() {
    return new RawPeer(channel, false);
  }

  /** Cancels the stream, which the server sees as an error. */
  RawPeer cancel() {
    requests.onError(Status.CANCELLED.withDescription("test cancels").asRuntimeException());
    return this;
  }

  /** Half-closes the stream, which the server sees as its completion. */
  RawPeer complete() {
    requests.onCompleted();
    return this;
  }

  RawPeer send(Frame f) {
    requests.onNext(f);
    return this;
  }

  RawPeer send(PeerMessage m) {
    return send(Frame.newBuilder().setMessage(m).build());
  }

  Status awaitClosed() throws Exception {
    return closed.get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (ownsChannel) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
