package io.zabtx.participant.runtime;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.protocol.v1.CoordinatorServiceGrpc;
import io.zabtx.protocol.v1.CoordinatorServiceGrpc.CoordinatorServiceBlockingStub;
import io.zabtx.protocol.v1.HeuristicOutcome;
import io.zabtx.protocol.v1.QueryOutcomeRequest;
import io.zabtx.protocol.v1.QueryOutcomeResponse;
import io.zabtx.protocol.v1.RegisterBranchRequest;
import io.zabtx.protocol.v1.RegisterBranchResponse;
import io.zabtx.protocol.v1.ReportHeuristicRequest;
import io.zabtx.protocol.v1.ReportHeuristicResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the coordinator cluster's {@code CoordinatorService} (RegisterBranch, QueryOutcome,
 * ReportHeuristic) on a list of node addresses ({@code host:port} of their gRPC port), failing over
 * to the next node when one is unreachable, times out or has no established leader behind it. Any
 * node serves every call (a follower forwards to the leader), so the order of the list only says
 * where to start; the client then sticks to the last node that answered.
 *
 * <p>Every call has a deadline of {@code callTimeout} per attempt and at most {@code maxAttempts}
 * attempts; after each round over all addresses, and when a node says when to retry ({@code
 * retry-after-ms}), it waits (doubling from {@code backoffMin} up to {@code backoffMax}). A node's
 * definitive refusal (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, OUT_OF_RANGE, ABORTED ...)
 * ends the call at once.
 *
 * <p>Threading: thread-safe; every call blocks the calling thread (at most about {@code maxAttempts
 * x callTimeout} plus the waits) and throws {@link CoordinatorCallException} when it gets no
 * answer. One channel per address, opened lazily and closed by {@link #close()}.
 */
public final class CoordinatorClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorClient.class);

  /** The coordinator's exact error code (see the coordinator's GrpcErrors). */
  static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("zabtx-error-code", Metadata.ASCII_STRING_MARSHALLER);

  /** The coordinator's retry hint in milliseconds. */
  static final Metadata.Key<String> RETRY_AFTER_MS =
      Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  // No answer from this node, but another node (or this one later) may answer: try the next.
  private static final Set<Status.Code> FAIL_OVER =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.CANCELLED,
          Status.Code.RESOURCE_EXHAUSTED);

  private final List<String> addresses;
  private final List<ManagedChannel> channels;
  private final Duration callTimeout;
  private final int maxAttempts;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final MeterRegistry registry;
  private final Counter failovers;
  private final AtomicInteger preferred = new AtomicInteger();
  private volatile boolean closed;

  private CoordinatorClient(Builder b) {
    this.addresses = List.copyOf(b.addresses);
    this.callTimeout = b.callTimeout;
    this.maxAttempts = b.maxAttempts > 0 ? b.maxAttempts : 2 * addresses.size();
    this.backoffMin = b.backoffMin;
    this.backoffMax = b.backoffMax;
    this.registry = b.registry;
    List<ManagedChannel> list = new ArrayList<>();
    for (String address : addresses) {
      HostPort hp = HostPort.parse(address);
      list.add(NettyChannelBuilder.forAddress(hp.host(), hp.port()).usePlaintext().build());
    }
    this.channels = List.copyOf(list);
    this.failovers =
        Counter.builder("zabtx.participant.coordinator.failovers")
            .description("coordinator calls moved to the next node after a node failed to answer")
            .register(registry);
  }

  /**
   * A builder for a client of the coordinator nodes at {@code addresses}.
   *
   * @param addresses {@code host:port} of each node's gRPC API (IPv6 as {@code [addr]:port})
   * @throws IllegalArgumentException if the list is empty or an address is malformed
   */
  public static Builder builder(List<String> addresses) {
    return new Builder(addresses);
  }

  /** The node addresses, as given. */
  public List<String> addresses() {
    return addresses;
  }

  /**
   * Registers this participant's branch of {@code xid}.
   *
   * @throws CoordinatorCallException with {@link CoordinatorCallException#definitive()} when the
   *     cluster refused (e.g. {@code NOT_ACTIVE}: the transaction is preparing, decided or past its
   *     deadline), otherwise when no node answered
   */
  public RegisterBranchResponse registerBranch(String xid, String endpoint, String resource)
      throws CoordinatorCallException {
    RegisterBranchRequest r =
        RegisterBranchRequest.newBuilder()
            .setXid(xid)
            .setEndpoint(endpoint)
            .setResource(resource)
            .build();
    return call("RegisterBranch", xid, s -> s.registerBranch(r));
  }

  /** Asks for the outcome of {@code xid} ({@code branchId} 0 if unknown). */
  public QueryOutcomeResponse queryOutcome(String xid, int branchId)
      throws CoordinatorCallException {
    QueryOutcomeRequest r =
        QueryOutcomeRequest.newBuilder().setXid(xid).setBranchId(branchId).build();
    return call("QueryOutcome", xid, s -> s.queryOutcome(r));
  }

  /** Reports a unilateral outcome of branch {@code branchId} of {@code xid}. Idempotent. */
  public ReportHeuristicResponse reportHeuristic(
      String xid, int branchId, HeuristicOutcome outcome, String detail)
      throws CoordinatorCallException {
    ReportHeuristicRequest r =
        ReportHeuristicRequest.newBuilder()
            .setXid(xid)
            .setBranchId(branchId)
            .setOutcome(outcome)
            .setDetail(detail == null ? "" : detail)
            .build();
    return call("ReportHeuristic", xid, s -> s.reportHeuristic(r));
  }

  private <T> T call(String name, String xid, Function<CoordinatorServiceBlockingStub, T> rpc)
      throws CoordinatorCallException {
    List<String> tried = new ArrayList<>();
    int n = addresses.size();
    int start = preferred.get();
    long backoff = backoffMin.toMillis();
    StatusRuntimeException last = null;
    for (int attempt = 0; attempt < maxAttempts; attempt++) {
      if (closed) {
        throw failure(name, xid, tried, Status.CANCELLED.withDescription("client closed"), false);
      }
      int index = Math.floorMod(start + attempt, n);
      ManagedChannel channel = channels.get(index);
      // A dead node's channel backs off reconnecting for up to minutes; our calls are rare and
      // rate-limited by the caller, so let each attempt really connect.
      if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
        channel.resetConnectBackoff();
      }
      tried.add(addresses.get(index));
      try {
        T answer =
            rpc.apply(
                CoordinatorServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS));
        preferred.set(index);
        count(name, "ok");
        return answer;
      } catch (StatusRuntimeException e) {
        last = e;
        if (!FAIL_OVER.contains(e.getStatus().getCode())) {
          count(name, "refused");
          throw failure(name, xid, tried, e, true);
        }
        failovers.increment();
        LOG.debug("{} of {} on {} failed: {}", name, xid, addresses.get(index), describe(e));
        long wait = retryAfterMillis(e);
        if ((attempt + 1) % n == 0) {
          wait = Math.max(wait, backoff);
          backoff = Math.min(2 * backoff, backoffMax.toMillis());
        }
        if (wait > 0
            && attempt + 1 < maxAttempts
            && !pause(Math.min(wait, backoffMax.toMillis()))) {
          break;
        }
      }
    }
    count(name, "failed");
    throw failure(name, xid, tried, last, false);
  }

  private void count(String call, String result) {
    registry
        .counter("zabtx.participant.coordinator.calls", "call", call, "result", result)
        .increment();
  }

  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static long retryAfterMillis(StatusRuntimeException e) {
    Metadata md = e.getTrailers();
    String hint = md == null ? null : md.get(RETRY_AFTER_MS);
    if (hint == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(hint));
    } catch (NumberFormatException bad) {
      return 0;
    }
  }

  private CoordinatorCallException failure(
      String name, String xid, List<String> tried, Object last, boolean definitive) {
    StatusRuntimeException e =
        last instanceof StatusRuntimeException sre
            ? sre
            : last instanceof Status s
                ? s.asRuntimeException()
                : Status.UNAVAILABLE.withDescription("no attempt was made").asRuntimeException();
    Metadata md = e.getTrailers();
    String errorCode = md == null ? null : md.get(ERROR_CODE);
    String message =
        name
            + " for xid "
            + xid
            + (definitive ? " refused by the coordinator" : " got no answer")
            + " after "
            + tried.size()
            + " attempt(s) on "
            + tried
            + " (nodes: "
            + addresses
            + "): "
            + describe(e);
    return new CoordinatorCallException(
        message, xid, tried, e.getStatus().getCode(), errorCode, definitive, e);
  }

  private static String describe(StatusRuntimeException e) {
    Metadata md = e.getTrailers();
    String code = md == null ? null : md.get(ERROR_CODE);
    String description = e.getStatus().getDescription();
    return e.getStatus().getCode()
        + (code == null ? "" : " (" + code + ")")
        + (description == null ? "" : ": " + description);
  }

  /** Closes every channel, waiting up to 2 s for them to terminate. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Settings of a {@link CoordinatorClient}. */
  public static final class Builder {
    private final List<String> addresses;
    private Duration callTimeout = Duration.ofSeconds(2);
    private int maxAttempts;
    private Duration backoffMin = Duration.ofMillis(50);
    private Duration backoffMax = Duration.ofSeconds(1);
    private MeterRegistry registry = new SimpleMeterRegistry();

    private Builder(List<String> addresses) {
      Objects.requireNonNull(addresses, "addresses");
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException(
            "at least one coordinator address (host:port of a node's gRPC API) is required");
      }
      addresses.forEach(HostPort::parse);
      this.addresses = List.copyOf(addresses);
    }

    /** The deadline of one attempt (default 2 s). */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive(timeout, "callTimeout");
      return this;
    }

    /** Attempts of one call over all addresses (default: twice the number of addresses). */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 100) {
        throw new IllegalArgumentException("maxAttempts must be 1..100, got " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** The wait after a failed round over all nodes, doubling from min to max (50 ms .. 1 s). */
    public Builder backoff(Duration min, Duration max) {
      positive(min, "backoff min");
      positive(max, "backoff max");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "backoff max (" + max + ") must not be shorter than min (" + min + ")");
      }
      this.backoffMin = min;
      this.backoffMax = max;
      return this;
    }

    /** Where the client's meters go (default: a private {@link SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Creates the client (channels connect on first use). */
    public CoordinatorClient build() {
      return new CoordinatorClient(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
