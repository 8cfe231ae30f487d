package io.zabtx.replication.process;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zabtx.replication.node.proto.GetReply;
import io.zabtx.replication.node.proto.GetRequest;
import io.zabtx.replication.node.proto.StatusReply;
import io.zabtx.replication.node.proto.StatusRequest;
import io.zabtx.replication.node.proto.ZabClientGrpc;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A gRPC client of a process ensemble's ZabClient API (zab_client.proto): one channel per node,
 * Status polling (leader lookup, convergence) and bulk Gets. Writes under load are {@link Load}'s.
 * Every wait polls a condition against a deadline.
 */
final class ClusterClient implements AutoCloseable {

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final Map<Long, Integer> clientPorts;
  private final Map<Long, ManagedChannel> channels = new ConcurrentHashMap<>();

  ClusterClient(Map<Long, Integer> clientPorts) {
    this.clientPorts = Map.copyOf(clientPorts);
  }

  Collection<Long> sids() {
    return clientPorts.keySet();
  }

  ManagedChannel channel(long sid) {
    return channels.computeIfAbsent(
        sid,
        s ->
            NettyChannelBuilder.forAddress("127.0.0.1", clientPorts.get(s))
                .usePlaintext()
                // Callbacks (Load's reply handling, Get futures) are short: no executor hop.
                .directExecutor()
                .maxInboundMessageSize(64 << 20)
                .build());
  }

  /** This node's status, or empty if it does not answer within 1 s. */
  Optional<StatusReply> status(long sid) {
    ManagedChannel ch = channel(sid);
    try {
      return Optional.of(
          ZabClientGrpc.newBlockingStub(ch)
              .withDeadlineAfter(1, TimeUnit.SECONDS)
              .status(StatusRequest.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      // A killed node's channel backs off for up to minutes; a restarted node answers at once.
      ch.resetConnectBackoff();
      return Optional.empty();
    }
  }

  /**
   * A node that reports LEADING (the highest epoch if two do), or -1. Status cannot tell whether it
   * is established yet; a Propose to it answers NOT_LEADER until it is.
   */
  long leader() {
    long best = -1;
    long bestEpoch = -1;
    for (long sid : clientPorts.keySet()) {
      Optional<StatusReply> s = status(sid);
      if (s.isPresent()
          && s.get().getRole().equals("LEADING")
          && s.get().getCurrentEpoch() > bestEpoch) {
        best = sid;
        bestEpoch = s.get().getCurrentEpoch();
      }
    }
    return best;
  }

  /** Polls for a leader until {@code deadlineNanos} (System.nanoTime); -1 if none appeared. */
  long awaitLeader(long deadlineNanos) {
    while (true) {
      long l = leader();
      if (l > 0 || System.nanoTime() > deadlineNanos) {
        return l;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /**
   * Waits until every node in {@code sids} reports the same applied count, order hash and last
   * applied zxid, with at least {@code minCount} entries applied; returns that status.
   */
  StatusReply awaitConverged(Collection<Long> sids, long minCount, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<StatusReply> last = List.of();
    while (System.nanoTime() < deadline) {
      List<StatusReply> all = new ArrayList<>();
      for (long sid : sids) {
        status(sid).ifPresent(all::add);
      }
      last = all;
      if (all.size() == sids.size()
          && all.get(0).getAppliedCount() >= minCount
          && all.stream().allMatch(s -> sameState(s, all.get(0)))) {
        return all.get(0);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    throw new AssertionError("nodes did not converge within " + timeout + "; last: " + last);
  }

  private static boolean sameState(StatusReply a, StatusReply b) {
    return a.getAppliedCount() == b.getAppliedCount()
        && a.getOrderHash() == b.getOrderHash()
        && a.getLastAppliedZxid() == b.getLastAppliedZxid();
  }

  /** The keys of {@code keys} that node {@code sid} does not hold (Gets, 512 in flight). */
  List<String> missing(long sid, Collection<String> keys) {
    ZabClientGrpc.ZabClientFutureStub stub = ZabClientGrpc.newFutureStub(channel(sid));
    List<String> missing = new ArrayList<>();
    ArrayDeque<Map.Entry<String, ListenableFuture<GetReply>>> inFlight = new ArrayDeque<>();
    for (String key : keys) {
      if (inFlight.size() == 512) {
        collect(inFlight.poll(), missing);
      }
      GetRequest req = GetRequest.newBuilder().setKey(key).build();
      inFlight.add(Map.entry(key, stub.withDeadlineAfter(30, TimeUnit.SECONDS).get(req)));
    }
    while (!inFlight.isEmpty()) {
      collect(inFlight.poll(), missing);
    }
    return missing;
  }

  private static void collect(
      Map.Entry<String, ListenableFuture<GetReply>> get, List<String> missing) {
    try {
      if (!get.getValue().get(30, TimeUnit.SECONDS).getFound()) {
        missing.add(get.getKey());
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("Get " + get.getKey() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
