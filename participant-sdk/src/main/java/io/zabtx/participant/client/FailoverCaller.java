package io.zabtx.participant.client;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zabtx.protocol.v1.TransactionServiceGrpc;
import io.zabtx.protocol.v1.TransactionServiceGrpc.TransactionServiceBlockingStub;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the coordinators' TransactionService with failover: one channel per address; a call starts
 * at the address that answered last and moves to the next one when a node is unreachable or not
 * ready (no quorum, not the leader, outcome unknown), within {@link RetryPolicy}'s bounds.
 * Thread-safe.
 */
final class FailoverCaller implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DtxClient.class);

  private record Endpoint(CoordinatorAddress address, ManagedChannel channel) {}

  private final List<Endpoint> endpoints;
  private final RetryPolicy policy;
  private final ClientMetrics metrics;
  private final AtomicInteger preferred = new AtomicInteger();

  FailoverCaller(List<CoordinatorAddress> addresses, RetryPolicy policy, ClientMetrics metrics) {
    this.policy = policy;
    this.metrics = metrics;
    List<Endpoint> list = new ArrayList<>();
    for (CoordinatorAddress a : addresses) {
      list.add(
          new Endpoint(
              a, NettyChannelBuilder.forAddress(a.host(), a.port()).usePlaintext().build()));
    }
    this.endpoints = List.copyOf(list);
  }

  List<String> addresses() {
    return endpoints.stream().map(e -> e.address().toString()).toList();
  }

  /**
   * Runs {@code rpc} until a node answers, a node gives a final error, or the attempts run out.
   *
   * @throws DtxException with the coordinator's code, or after the last attempt with a message
   *     naming every address and its last error
   */
  <T> T call(Operation op, String xid, Function<TransactionServiceBlockingStub, T> rpc) {
    int n = endpoints.size();
    int index = Math.floorMod(preferred.get(), n);
    Map<CoordinatorAddress, CallFailure> lastByAddress = new LinkedHashMap<>();
    CallFailure last = null;
    StatusRuntimeException lastError = null;
    int failedInRound = 0;
    int round = 0;
    for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
      Endpoint e = endpoints.get(index);
      try {
        T value =
            rpc.apply(
                TransactionServiceGrpc.newBlockingStub(e.channel())
                    .withDeadlineAfter(policy.callTimeout().toMillis(), TimeUnit.MILLISECONDS));
        preferred.set(index);
        metrics.succeeded(op);
        return value;
      } catch (StatusRuntimeException failure) {
        if (Thread.currentThread().isInterrupted()) {
          throw interrupted(op, xid, failure);
        }
        last = CallFailure.of(failure);
        lastError = failure;
        lastByAddress.put(e.address(), last);
        if (!last.failsOver() && !last.retriesHere()) {
          metrics.failed(op, last.code());
          throw Outcomes.refused(op, xid, last, failure);
        }
        if (attempt == policy.maxAttempts()) {
          break;
        }
        metrics.retried(op, last.code());
        if (last.retriesHere()) {
          LOG.debug("{} at {}: {}; retrying", op.describe(xid), e.address(), last.message());
          pause(op, xid, policy.backoffMillis(round++, last.retryAfterMillis()));
          continue;
        }
        LOG.debug(
            "{} at {} failed ({} {}); trying the next coordinator",
            op.describe(xid),
            e.address(),
            last.code(),
            last.message());
        index = (index + 1) % n;
        if (++failedInRound >= n) {
          pause(op, xid, policy.backoffMillis(round++, last.retryAfterMillis()));
          failedInRound = 0;
          reconnectFailedChannels();
        }
      }
    }
    DtxException exhausted =
        Outcomes.exhausted(op, xid, policy.maxAttempts(), addresses(), lastByAddress, lastError);
    metrics.failed(op, exhausted.code());
    throw exhausted;
  }

  /** A channel in TRANSIENT_FAILURE waits out gRPC's reconnect backoff (up to 2 min) otherwise. */
  private void reconnectFailedChannels() {
    for (Endpoint e : endpoints) {
      if (e.channel().getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
        e.channel().resetConnectBackoff();
      }
    }
  }

  private void pause(Operation op, String xid, long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(op, xid, e);
    }
  }

  private DtxException interrupted(Operation op, String xid, Throwable cause) {
    metrics.failed(op, DtxErrorCode.INTERRUPTED);
    return new DtxException(
        DtxErrorCode.INTERRUPTED,
        xid,
        op.describe(xid)
            + " was interrupted while waiting for a coordinator"
            + (op == Operation.COMMIT ? "; its outcome is unknown: ask status(" + xid + ")" : ""),
        cause);
  }

  @Override
  public void close() {
    endpoints.forEach(e -> e.channel().shutdown());
    for (Endpoint e : endpoints) {
      try {
        if (!e.channel().awaitTermination(2, TimeUnit.SECONDS)) {
          e.channel().shutdownNow();
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        e.channel().shutdownNow();
      }
    }
  }
}
