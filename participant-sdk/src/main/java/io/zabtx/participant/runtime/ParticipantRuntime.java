package io.zabtx.participant.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.participant.branch.Admission;
import io.zabtx.participant.branch.BranchConfig;
import io.zabtx.participant.branch.BranchEngine;
import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchProtocol;
import io.zabtx.participant.branch.DurableBranch;
import io.zabtx.participant.branch.Phase;
import io.zabtx.participant.context.DtxContext;
import io.zabtx.participant.jdbc.BranchGate;
import io.zabtx.participant.jdbc.BranchTicket;
import io.zabtx.participant.store.BranchStore;
import io.zabtx.protocol.v1.RegisterBranchResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participant runtime: drives the pure {@link BranchEngine} with real time, the coordinator
 * cluster ({@link CoordinatorClient}) and a {@link BranchStore}, and is the {@link BranchGate} the
 * DataSource wrapper calls.
 *
 * <p>One engine thread takes events from a bounded inbox (phase messages, admission checks,
 * results) and ticks every {@code tick} for deadlines, outcome queries and heuristic decisions.
 * Durable steps run on bounded store lanes (one branch's steps in order), cluster calls on a
 * bounded pool; both report back to the engine thread. A vote or acknowledgement leaves only once
 * the engine emits it, i.e. after the state it reports is durable.
 *
 * <p>Life cycle: {@link #start()} loads every branch row and resumes the unfinished ones; a {@link
 * ParticipantServer} serves the phase messages and tells the runtime its advertised endpoint
 * (registration needs it); {@link #close()} stops accepting work, lets durable steps in flight
 * finish, fails waiting requests and stops the threads. The runtime does not close the {@link
 * CoordinatorClient} or the store it was given.
 *
 * <p>Threading: every public method is thread-safe. {@link #enlist} blocks (registration, then the
 * admission check on the engine thread); {@link #workCommitted} never blocks for long.
 */
public final class ParticipantRuntime implements BranchGate, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ParticipantRuntime.class);

  /** How the inbox answered a phase message. */
  enum Submission {
    ACCEPTED,
    BUSY,
    CLOSED
  }

  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int CLOSED = 2;

  private final BranchStore store;
  private final CoordinatorClient coordinator;
  private final String resource;
  private final LongSupplier clock;
  private final long enlistTimeoutMillis;
  private final long closeTimeoutMillis;
  private final RuntimeMetrics metrics;
  private final Registrations registrations;
  private final Workers workers;
  private final EngineDriver driver;
  private final EngineLoop loop;
  private final AtomicInteger lifecycle = new AtomicInteger(NEW);
  private volatile String endpoint;

  private ParticipantRuntime(Builder b) {
    this.store = b.store;
    this.coordinator = b.coordinator;
    this.resource = b.resource;
    this.clock = b.clock;
    this.enlistTimeoutMillis = b.enlistTimeout.toMillis();
    this.closeTimeoutMillis = b.closeTimeout.toMillis();
    this.endpoint = b.endpoint;
    this.metrics = new RuntimeMetrics(b.registry);
    int maxBranches = b.branchConfig.maxBranches();
    this.registrations = new Registrations(maxBranches, clock);
    // Each tracked branch has at most one durable step, one query and one report in flight.
    int perPool = 2 * maxBranches + 64;
    this.workers = new Workers(b.storeThreads, b.clusterThreads, perPool, "zabtx-participant");
    this.driver =
        new EngineDriver(
            new BranchEngine(b.branchConfig),
            store,
            coordinator,
            workers,
            metrics,
            registrations,
            clock);
    this.loop =
        new EngineLoop(
            "zabtx-participant-engine",
            b.inboxCapacity,
            3 * maxBranches + 64,
            b.tick.toMillis(),
            driver::tick,
            driver::apply);
    driver.attach(loop);
    metrics.gauge("branches", "branches the engine tracks", driver::tracked);
    metrics.gauge("inbox.depth", "events waiting for the engine thread", loop::depth);
    metrics.gauge("registrations", "registered xids cached", registrations::size);
    metrics.backlogGauge("store", workers::storeBacklog);
    metrics.backlogGauge("cluster", workers::clusterBacklog);
  }

  /**
   * A builder for a runtime over {@code store} that registers and asks through {@code coordinator}.
   */
  public static Builder builder(BranchStore store, CoordinatorClient coordinator) {
    return new Builder(store, coordinator);
  }

  /**
   * Loads every branch row ({@link BranchStore#loadAll()}) and starts the engine thread, which
   * first resumes every unfinished branch (deadlines, outcome queries, unreported heuristics).
   *
   * @throws SQLException if the rows cannot be read (nothing started)
   * @throws IllegalStateException if started before or closed
   */
  public ParticipantRuntime start() throws SQLException {
    if (lifecycle.get() != NEW) {
      throw new IllegalStateException("participant runtime already started or closed");
    }
    List<DurableBranch> rows = store.loadAll();
    if (!lifecycle.compareAndSet(NEW, RUNNING)) {
      throw new IllegalStateException("participant runtime already started or closed");
    }
    loop.post(() -> driver.recover(rows));
    loop.start();
    return this;
  }

  /** The endpoint sent in RegisterBranch, or null until a server advertised one. */
  public String advertisedEndpoint() {
    return endpoint;
  }

  /** Sets the endpoint sent in RegisterBranch ({@link ParticipantServer} does it on start). */
  void advertise(String endpoint) {
    HostPort.parse(endpoint);
    this.endpoint = endpoint;
  }

  // ---- BranchGate ----

  @Override
  public BranchTicket enlist(String xid) throws SQLException {
    if (!DtxContext.isValidXid(xid)) {
      throw new SQLException(
          "malformed xid '" + xid + "': expected <epoch>-<counter> as issued by the coordinator");
    }
    requireRunning(xid);
    BranchTicket ticket;
    try {
      ticket = registrations.ticket(xid, this::register, enlistTimeoutMillis);
    } catch (SQLException e) {
      metrics.enlist("failed");
      throw e;
    }
    Admission admission = admit(ticket.key());
    if (!admission.allowed()) {
      metrics.enlist("refused");
      throw new SQLException(admission.reason());
    }
    metrics.enlist("admitted");
    return ticket;
  }

  @Override
  public void workCommitted(BranchTicket ticket) {
    Objects.requireNonNull(ticket, "ticket");
    if (lifecycle.get() != RUNNING) {
      LOG.warn(
          "local work of branch {} committed while the runtime is not running; the next start"
              + " resumes it from its row",
          ticket.key());
      return;
    }
    loop.post(() -> driver.workCommitted(ticket));
  }

  // ---- phase messages (the gRPC service) ----

  /**
   * Hands a phase message to the engine; {@code reply} gets its answer on the engine thread, once
   * what it reports is durable. BUSY when the inbox is full, CLOSED when shutting down (nothing
   * queued, {@code reply} not called).
   */
  Submission phase(BranchKey key, BranchProtocol protocol, Phase phase, PhaseReply reply) {
    if (lifecycle.get() != RUNNING) {
      return Submission.CLOSED;
    }
    boolean queued =
        loop.offer(
            new EngineLoop.Event() {
              @Override
              public void run() {
                driver.phase(key, protocol, phase, reply);
              }

              @Override
              public void abandon() {
                reply.unavailable("participant shutting down");
              }
            });
    return queued ? Submission.ACCEPTED : Submission.BUSY;
  }

  RuntimeMetrics metrics() {
    return metrics;
  }

  // ---- shutdown ----

  /**
   * Stops accepting enlistments and phase messages, waits (up to the close timeout) for durable
   * steps in flight to finish and be answered, fails the requests still waiting (UNAVAILABLE: the
   * coordinator repeats them), and stops the engine thread and the worker pools. Branches not
   * finished resume from their rows on the next start. Idempotent.
   */
  @Override
  public void close() {
    int before = lifecycle.getAndSet(CLOSED);
    if (before == CLOSED) {
      return;
    }
    if (before == NEW) {
      workers.shutdown(0);
      return;
    }
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(closeTimeoutMillis);
    // Durable steps report back through the loop, which still runs: let them land and answer.
    while (workers.storeBacklog() > 0 && System.nanoTime() - until < 0) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    boolean ended =
        loop.stop(Math.max(100, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
    if (ended) {
      driver.failPending("participant shutting down");
    } else {
      LOG.warn("the engine thread did not stop within the close timeout");
    }
    workers.shutdown(Math.max(100, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
    LOG.info("participant runtime closed");
  }

  // ---- internals ----

  private BranchTicket register(String xid) throws SQLException {
    String ep = endpoint;
    if (ep == null) {
      throw new SQLException(
          "global transaction "
              + xid
              + ": this participant has no advertised endpoint yet; start its ParticipantServer"
              + " before writing under an xid");
    }
    RegisterBranchResponse r;
    try {
      r = coordinator.registerBranch(xid, ep, resource);
    } catch (CoordinatorCallException e) {
      throw new SQLException(
          "global transaction " + xid + ": cannot register the branch: " + e.getMessage(), e);
    }
    BranchProtocol protocol = WireMapping.protocol(r.getProtocol());
    if (protocol == null || r.getBranchId() <= 0) {
      throw new SQLException(
          "global transaction "
              + xid
              + ": the coordinator answered RegisterBranch with branch id "
              + r.getBranchId()
              + " and protocol "
              + r.getProtocol()
              + "; cannot take part");
    }
    return new BranchTicket(new BranchKey(xid, r.getBranchId()), protocol, r.getDeadlineUnixMs());
  }

  private Admission admit(BranchKey key) throws SQLException {
    CompletableFuture<Admission> answer = new CompletableFuture<>();
    SQLException closing =
        new SQLException("global transaction " + key.xid() + ": the participant is shutting down");
    boolean queued =
        loop.offer(
            new EngineLoop.Event() {
              @Override
              public void run() {
                answer.complete(driver.admit(key.xid(), key.branchId()));
              }

              @Override
              public void abandon() {
                answer.completeExceptionally(closing);
              }
            });
    if (!queued) {
      metrics.enlist("failed");
      throw lifecycle.get() == RUNNING
          ? new SQLException(
              "global transaction "
                  + key.xid()
                  + ": the participant is overloaded (engine inbox full); retry shortly")
          : closing;
    }
    try {
      return answer.get(enlistTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw closing;
    } catch (TimeoutException e) {
      throw new SQLException(
          "global transaction "
              + key.xid()
              + ": the participant's engine did not answer within "
              + enlistTimeoutMillis
              + " ms; retry");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while enlisting in " + key.xid(), e);
    }
  }

  private void requireRunning(String xid) throws SQLException {
    int s = lifecycle.get();
    if (s != RUNNING) {
      throw new SQLException(
          "global transaction "
              + xid
              + ": the participant runtime is "
              + (s == NEW ? "not started" : "closed")
              + "; work refused");
    }
  }

  /** Settings of a {@link ParticipantRuntime}; every one has a default but the store and client. */
  public static final class Builder {
    private final BranchStore store;
    private final CoordinatorClient coordinator;
    private BranchConfig branchConfig = BranchConfig.defaults();
    private String resource = "default";
    private String endpoint;
    private Duration tick = Duration.ofMillis(50);
    private int inboxCapacity = 10_000;
    private int storeThreads = 4;
    private int clusterThreads = 4;
    private Duration enlistTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private LongSupplier clock = System::currentTimeMillis;
    private MeterRegistry registry = new SimpleMeterRegistry();

    private Builder(BranchStore store, CoordinatorClient coordinator) {
      this.store = Objects.requireNonNull(store, "store");
      this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    /** The engine's limits and timings (heuristic-after, backoffs, retention ...). */
    public Builder branchConfig(BranchConfig config) {
      this.branchConfig = Objects.requireNonNull(config, "branchConfig");
      return this;
    }

    /**
     * The resource name sent in RegisterBranch, unique per participant (e.g. {@code
     * bank-a/accounts}); 1-255 characters. Default {@code default}.
     */
    public Builder resource(String resource) {
      Objects.requireNonNull(resource, "resource");
      if (resource.isBlank() || resource.length() > 255) {
        throw new IllegalArgumentException(
            "resource must be 1-255 non-blank characters, got '" + resource + "'");
      }
      this.resource = resource.trim();
      return this;
    }

    /**
     * The endpoint ({@code host:port} of this participant's ParticipantService) sent in
     * RegisterBranch, when the service is not served by a {@link ParticipantServer} (which sets it
     * on start).
     */
    public Builder advertisedEndpoint(String endpoint) {
      HostPort.parse(endpoint);
      this.endpoint = endpoint;
      return this;
    }

    /** How often deadlines are checked (default 50 ms). */
    public Builder tick(Duration tick) {
      this.tick = positive(tick, "tick");
      return this;
    }

    /** Phase messages and admission checks that may wait for the engine (default 10,000). */
    public Builder inboxCapacity(int capacity) {
      this.inboxCapacity = range(capacity, 1, 1_000_000, "inboxCapacity");
      return this;
    }

    /** Threads for durable steps (store lanes, default 4) and for cluster calls (default 4). */
    public Builder threads(int storeThreads, int clusterThreads) {
      this.storeThreads = range(storeThreads, 1, 256, "storeThreads");
      this.clusterThreads = range(clusterThreads, 1, 256, "clusterThreads");
      return this;
    }

    /** The longest an enlistment waits for a shared registration or the engine (default 10 s). */
    public Builder enlistTimeout(Duration timeout) {
      this.enlistTimeout = positive(timeout, "enlistTimeout");
      return this;
    }

    /** The longest {@link #close()} waits for durable steps in flight (default 5 s). */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "closeTimeout");
      return this;
    }

    /** The time source, in ms since the Unix epoch (default {@code System::currentTimeMillis}). */
    public Builder clock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where the meters go (default: a private {@link SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Creates the runtime; {@link ParticipantRuntime#start()} starts it. */
    public ParticipantRuntime build() {
      return new ParticipantRuntime(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }

    private static int range(int v, int min, int max, String name) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + v);
      }
      return v;
    }
  }
}
