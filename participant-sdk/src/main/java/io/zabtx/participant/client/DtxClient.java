package io.zabtx.participant.client;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.zabtx.participant.context.DtxContext;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.RollbackRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Begins, commits, rolls back and reads global transactions through the coordinators' gRPC
 * TransactionService ({@code zabtx/v1/client.proto}).
 *
 * <p>Failover: the client holds one channel per coordinator address. Any node serves every call (a
 * follower forwards to the leader), so a call goes to the address that answered last and moves to
 * the next one when a node is unreachable, times out ({@code callTimeout}) or is not ready (no
 * quorum, not the leader, outcome unknown after a leader change), waiting a growing backoff after
 * each round over all addresses; an overloaded cluster is asked again after its {@code
 * retry-after-ms} hint. At most {@code maxAttempts} calls are made per operation. Other errors
 * (invalid input, unknown xid, conflicting outcome) are thrown at once.
 *
 * <p>Repeating is safe for commit, rollback and status (idempotent at the coordinator: a commit
 * repeated after a failover answers the decided outcome; a transaction whose leader died before its
 * commit point was logged answers ABORT, presumed abort). A begin repeated after a lost answer may
 * leave an orphan transaction without branches; it aborts at its deadline.
 *
 * <p>Errors are {@link DtxException}s carrying the coordinator's stable {@link DtxErrorCode}; a
 * commit that ends in ABORT throws {@link GlobalTransactionAbortedException}. Methods block the
 * calling thread (at most about {@code maxAttempts × callTimeout} plus backoffs). Thread-safe;
 * share one instance per application and {@link #close} it on shutdown.
 */
public final class DtxClient implements AutoCloseable {

  private final FailoverCaller caller;
  private final boolean waitForCompletion;

  private DtxClient(Builder b) {
    this.caller =
        new FailoverCaller(
            b.addresses,
            new RetryPolicy(b.callTimeout, b.maxAttempts, b.initialBackoff, b.maxBackoff),
            new ClientMetrics(b.meterRegistry));
    this.waitForCompletion = b.waitForCompletion;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The coordinator addresses, in configured order. */
  public List<String> addresses() {
    return caller.addresses();
  }

  /**
   * Begins a global transaction without a name; see {@link #begin(CommitProtocol, Duration,
   * String)}.
   */
  public String begin(CommitProtocol protocol, Duration timeout) {
    return begin(protocol, timeout, "");
  }

  /**
   * Begins a global transaction and returns its xid.
   *
   * @param timeout the global deadline from now (past it an undecided transaction aborts); null or
   *     zero means the coordinator's default
   * @param name free text for people reading the coordinator's API and logs (at most 256 chars)
   * @throws DtxException INVALID_ARGUMENT for a negative or too long timeout, UNREACHABLE or
   *     NO_QUORUM when no coordinator could begin it
   */
  public String begin(CommitProtocol protocol, Duration timeout, String name) {
    Objects.requireNonNull(protocol, "protocol");
    long timeoutMillis = timeout == null ? 0 : timeout.toMillis();
    if (timeoutMillis < 0) {
      throw new DtxException(
          DtxErrorCode.INVALID_ARGUMENT,
          null,
          "begin refused: the timeout must be positive (or zero for the coordinator's default),"
              + " got "
              + timeout);
    }
    BeginRequest request =
        BeginRequest.newBuilder()
            .setProtocol(Wire.protocol(protocol))
            .setTimeoutMs(timeoutMillis)
            .setName(name == null ? "" : name)
            .build();
    return caller.call(Operation.BEGIN, null, stub -> stub.begin(request)).getXid();
  }

  /**
   * Commits {@code xid}: the coordinator runs phase 1 and answers once the outcome is durable.
   *
   * @return COMMITTING (decided, phase 2 under way) or COMMITTED (with {@code waitForCompletion}),
   *     or HEURISTIC_MIXED when a branch contradicted the decision
   * @throws GlobalTransactionAbortedException when the transaction aborted (a participant voted NO,
   *     the deadline passed, it was rolled back, or a failover found no commit point): its work did
   *     not happen
   * @throws DtxException OUTCOME_UNKNOWN when no coordinator confirmed the outcome (ask {@link
   *     #status} later), NOT_FOUND, INVALID_ARGUMENT
   */
  public TxStatus commit(String xid) {
    requireXid(Operation.COMMIT, xid);
    CommitRequest request =
        CommitRequest.newBuilder().setXid(xid).setWaitForCompletion(waitForCompletion).build();
    return Wire.status(
        caller.call(Operation.COMMIT, xid, stub -> stub.commit(request)).getStatus());
  }

  /**
   * Rolls back {@code xid}. Idempotent.
   *
   * @return ABORTING (branches are being told) or ABORTED
   * @throws DtxException TX_COMMITTED when it already committed, NOT_FOUND, INVALID_ARGUMENT
   */
  public TxStatus rollback(String xid) {
    requireXid(Operation.ROLLBACK, xid);
    RollbackRequest request = RollbackRequest.newBuilder().setXid(xid).build();
    return Wire.status(
        caller.call(Operation.ROLLBACK, xid, stub -> stub.rollback(request)).getStatus());
  }

  /**
   * The transaction's status, outcome, branches and timeline.
   *
   * @throws DtxException NOT_FOUND (never begun), NO_LONGER_RETAINED (finished longer ago than the
   *     coordinator's retention), INVALID_ARGUMENT
   */
  public TransactionInfo status(String xid) {
    requireXid(Operation.STATUS, xid);
    GetTransactionRequest request = GetTransactionRequest.newBuilder().setXid(xid).build();
    return Wire.transaction(
        caller.call(Operation.STATUS, xid, stub -> stub.getTransaction(request)));
  }

  private static void requireXid(Operation op, String xid) {
    if (!DtxContext.isValidXid(xid)) {
      String shown = xid == null ? "null" : xid.length() > 40 ? xid.substring(0, 40) + "..." : xid;
      throw new DtxException(
          DtxErrorCode.INVALID_ARGUMENT,
          null,
          op.tag()
              + " refused: '"
              + shown
              + "' is not an xid; pass the <epoch>-<counter> that begin returned");
    }
  }

  /** Closes every channel (waits up to 2 s per channel for calls in flight). */
  @Override
  public void close() {
    caller.close();
  }

  /** Configures a {@link DtxClient}; only {@link #addresses} is required. */
  public static final class Builder {
    private List<CoordinatorAddress> addresses = List.of();
    private Duration callTimeout = RetryPolicy.defaults().callTimeout();
    private int maxAttempts = RetryPolicy.defaults().maxAttempts();
    private Duration initialBackoff = RetryPolicy.defaults().initialBackoff();
    private Duration maxBackoff = RetryPolicy.defaults().maxBackoff();
    private boolean waitForCompletion;
    private MeterRegistry meterRegistry = Metrics.globalRegistry;

    private Builder() {}

    /**
     * The coordinators' gRPC addresses, {@code host:port} (or {@code [ipv6]:port}); any subset of
     * the cluster works, all of it fails over best. Duplicates are dropped.
     *
     * @throws IllegalArgumentException naming an address that is not host:port
     */
    public Builder addresses(List<String> hostPorts) {
      Objects.requireNonNull(hostPorts, "addresses");
      List<CoordinatorAddress> parsed = new ArrayList<>();
      for (String hp : hostPorts) {
        parsed.add(CoordinatorAddress.parse(hp));
      }
      this.addresses = List.copyOf(new LinkedHashSet<>(parsed));
      return this;
    }

    /** See {@link #addresses(List)}. */
    public Builder addresses(String... hostPorts) {
      return addresses(Arrays.asList(hostPorts));
    }

    /** The deadline of each single call to a coordinator (default 10 s). */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = callTimeout;
      return this;
    }

    /** The most calls per operation over all addresses, 1 to 1000 (default 10). */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The wait after a round of failures, doubling from initial to max (default 100 ms to 2 s). */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Whether commit answers only once every branch acknowledged phase 2 (COMMITTED) rather than as
     * soon as the commit point is durable (COMMITTING). Default false.
     */
    public Builder waitForCompletion(boolean waitForCompletion) {
      this.waitForCompletion = waitForCompletion;
      return this;
    }

    /** Where {@code zabtx.client.*} meters go (default Micrometer's global registry). */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    /**
     * @throws IllegalArgumentException when no address is given or a bound is out of range
     */
    public DtxClient build() {
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException(
            "no coordinator address given: pass the gRPC host:port of one or more coordinator"
                + " nodes to addresses(...)");
      }
      new RetryPolicy(callTimeout, maxAttempts, initialBackoff, maxBackoff); // validates
      return new DtxClient(this);
    }
  }
}
