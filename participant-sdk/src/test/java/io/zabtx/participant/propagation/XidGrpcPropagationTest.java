package io.zabtx.participant.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.zabtx.participant.context.DtxContext;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.Transaction;
import io.zabtx.protocol.v1.TransactionServiceGrpc;
import io.zabtx.protocol.v1.TransactionServiceGrpc.TransactionServiceBlockingStub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The xid over gRPC between a channel with {@link XidGrpcClientInterceptor} and a real Netty server
 * on loopback with {@link XidGrpcServerInterceptor}, whose service runs on a one-thread executor:
 * the service sees the caller's xid on the executor's thread, the thread has none for the next
 * call, and a malformed value is refused with INVALID_ARGUMENT.
 */
class XidGrpcPropagationTest {

  private static final String EXECUTOR_THREAD = "probe-executor";

  private static ExecutorService executor;
  private static Server server;
  private static ManagedChannel channel;
  private static final AtomicInteger handled = new AtomicInteger();

  @BeforeAll
  static void start() throws IOException {
    executor = Executors.newSingleThreadExecutor(r -> new Thread(r, EXECUTOR_THREAD));
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .executor(executor)
            .addService(ServerInterceptors.intercept(new Probe(), new XidGrpcServerInterceptor()))
            .build()
            .start();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .usePlaintext()
            .intercept(new XidGrpcClientInterceptor())
            .build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    executor.shutdownNow();
  }

  @Test
  void theServiceSeesTheCallersXidOnItsExecutorThreadAndTheNextCallDoesNot() {
    TransactionServiceBlockingStub stub = TransactionServiceGrpc.newBlockingStub(channel);

    Transaction bound;
    try (DtxContext.Scope s = DtxContext.bind("7-42")) {
      bound = stub.getTransaction(GetTransactionRequest.getDefaultInstance());
    }
    Transaction unbound = stub.getTransaction(GetTransactionRequest.getDefaultInstance());

    assertThat(bound.getXid()).isEqualTo("7-42");
    assertThat(bound.getName()).isEqualTo(EXECUTOR_THREAD);
    assertThat(unbound.getXid()).as("same executor thread, nothing left bound").isEqualTo("none");
    assertThat(unbound.getName()).isEqualTo(EXECUTOR_THREAD);
  }

  @Test
  void theXidIsTakenWhenTheCallIsCreatedAlsoForFutureStubs() throws Exception {
    Future<Transaction> answer;
    try (DtxContext.Scope s = DtxContext.bind("9-1")) {
      answer =
          TransactionServiceGrpc.newFutureStub(channel)
              .getTransaction(GetTransactionRequest.getDefaultInstance());
    }
    assertThat(answer.get(10, TimeUnit.SECONDS).getXid()).isEqualTo("9-1");
  }

  @Test
  void aMalformedXidIsRefusedWithInvalidArgumentBeforeTheService() {
    int before = handled.get();
    Metadata md = new Metadata();
    md.put(XidGrpcMetadata.KEY, "not-an-xid");
    TransactionServiceBlockingStub stub =
        TransactionServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));

    assertThatThrownBy(() -> stub.getTransaction(GetTransactionRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("metadata dtx-xid", "'not-an-xid'", "<epoch>-<counter>");
              assertThat(
                      e.getTrailers()
                          .get(
                              Metadata.Key.of(
                                  "zabtx-error-code", Metadata.ASCII_STRING_MARSHALLER)))
                  .isEqualTo("INVALID_ARGUMENT");
            });
    assertThat(handled.get()).isEqualTo(before);
  }

  /** Answers with the xid bound while it runs (in {@code xid}) and its thread (in {@code name}). */
  static final class Probe extends TransactionServiceGrpc.TransactionServiceImplBase {
    @Override
    public void getTransaction(GetTransactionRequest request, StreamObserver<Transaction> out) {
      handled.incrementAndGet();
      out.onNext(
          Transaction.newBuilder()
              .setXid(DtxContext.currentXid().orElse("none"))
              .setName(Thread.currentThread().getName())
              .build());
      out.onCompleted();
    }
  }
}
