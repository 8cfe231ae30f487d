package io.zabtx.coordinator.runtime;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.zabtx.coordinator.api.grpc.ForwardedCall;
import io.zabtx.coordinator.api.grpc.GrpcErrors;
import io.zabtx.coordinator.config.Member;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.TxException;
import io.zabtx.protocol.v1.CoordinatorServiceGrpc;
import io.zabtx.protocol.v1.TransactionServiceGrpc;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Forwards calls a follower cannot answer to the leader's gRPC API. One channel per member, created
 * on first use. Every forwarded call carries {@link ForwardedCall#HEADER} and a deadline.
 */
final class LeaderForwarder implements AutoCloseable {

  private final Map<Long, Member> members;
  private final Duration timeout;
  private final Map<Long, ManagedChannel> channels = new ConcurrentHashMap<>();

  LeaderForwarder(Map<Long, Member> members, Duration timeout) {
    this.members = Map.copyOf(members);
    this.timeout = timeout;
  }

  /** Calls the leader's TransactionService. */
  <T> CompletableFuture<T> tx(
      long leader,
      boolean decides,
      Function<TransactionServiceGrpc.TransactionServiceFutureStub, ListenableFuture<T>> call) {
    return forward(
        leader,
        decides,
        ch ->
            call.apply(
                TransactionServiceGrpc.newFutureStub(ch)
                    .withInterceptors(marker())
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)));
  }

  /** Calls the leader's CoordinatorService. */
  <T> CompletableFuture<T> participant(
      long leader,
      boolean decides,
      Function<CoordinatorServiceGrpc.CoordinatorServiceFutureStub, ListenableFuture<T>> call) {
    return forward(
        leader,
        decides,
        ch ->
            call.apply(
                CoordinatorServiceGrpc.newFutureStub(ch)
                    .withInterceptors(marker())
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)));
  }

  /**
   * @param decides true for calls that may decide something at the leader (commit, rollback): if
   *     the leader does not answer, their outcome is unknown rather than "not done"
   */
  private <T> CompletableFuture<T> forward(
      long leader, boolean decides, Function<ManagedChannel, ListenableFuture<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Member m = members.get(leader);
    if (m == null) {
      result.completeExceptionally(noLeader(leader));
      return result;
    }
    TxException unreachable =
        decides
            ? new TxException(
                ErrorCode.OUTCOME_UNKNOWN,
                "the leader (node "
                    + leader
                    + " at "
                    + m.grpcAddress()
                    + ") did not answer; the outcome is unknown: ask again",
                100)
            : new TxException(
                ErrorCode.NO_QUORUM,
                "the leader (node " + leader + " at " + m.grpcAddress() + ") is unreachable; retry",
                100);
    ListenableFuture<T> f;
    try {
      f = call.apply(channel(m));
    } catch (RuntimeException e) {
      result.completeExceptionally(unreachable);
      return result;
    }
    Futures.addCallback(
        f,
        new FutureCallback<T>() {
          @Override
          public void onSuccess(T value) {
            result.complete(value);
          }

          @Override
          public void onFailure(Throwable t) {
            result.completeExceptionally(GrpcErrors.fromStatus(t, unreachable));
          }
        },
        MoreExecutors.directExecutor());
    return result;
  }

  static TxException noLeader(long leaderHint) {
    return new TxException(
        ErrorCode.NO_QUORUM,
        leaderHint > 0
            ? "node " + leaderHint + " is said to lead but is not a configured member; retry"
            : "no leader is established (no quorum of coordinator nodes is reachable); retry"
                + " shortly",
        200);
  }

  private ManagedChannel channel(Member m) {
    return channels.computeIfAbsent(
        m.id(),
        id ->
            NettyChannelBuilder.forAddress(m.host(), m.grpcPort())
                .usePlaintext()
                .directExecutor()
                .build());
  }

  private static io.grpc.ClientInterceptor marker() {
    Metadata md = new Metadata();
    md.put(ForwardedCall.HEADER, "1");
    return MetadataUtils.newAttachHeadersInterceptor(md);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
