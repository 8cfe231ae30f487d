package io.zabtx.coordinator.participant;

import com.google.protobuf.Message;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.zabtx.coordinator.engine.Command;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Delivers the engine's phase messages ({@link Command.Send}) to participants over gRPC ({@code
 * zabtx.v1.ParticipantService}, plaintext) and reports what became of each.
 *
 * <p><b>Delivery.</b> A phase-1 message (PREPARE, CAN_COMMIT) is tried exactly once with a deadline
 * of {@code timeoutMillis}: a late vote is as good as none, the engine aborts. A phase-2 message
 * (PRE_COMMIT, COMMIT, ABORT) is tried up to {@link GatewayConfig#retryMaxAttempts()} times, each
 * attempt with a deadline of {@code timeoutMillis}, backing off exponentially with jitter between
 * them (on a timer, no thread sleeps); only transient failures (UNAVAILABLE, DEADLINE_EXCEEDED,
 * ...) are retried. After that the result is {@link DeliveryResult.Failed} and the engine sends the
 * message again later.
 *
 * <p><b>Isolation.</b> Each endpoint has its own channel and circuit breaker. While a breaker is
 * open, deliveries to its endpoint fail at once, so a dead participant costs no threads and no time
 * to the others. At most {@link GatewayConfig#maxInFlight()} deliveries are under way at once
 * (retries waiting included); a send beyond that fails at once ("participant backlog full").
 *
 * <p><b>Threading.</b> {@link #send} never blocks and never throws (except for null arguments). The
 * gateway owns one small pool of daemon threads ({@link GatewayConfig#callbackThreads()}, named
 * {@code zabtx-participant-gateway-N}) that runs gRPC callbacks, retry timers and result reports.
 * {@code onResult} is called exactly once per send: on that pool, except that the deliveries {@link
 * #close} fails are reported on the closing thread, a send after close on the sending thread, and
 * an immediate failure (backlog full) while more than {@code maxInFlight} such reports are already
 * queued on the sending thread too, which keeps the pool's queue bounded. The pool's queue
 * otherwise holds a few tasks at most per delivery in flight. {@code onResult} must not block; an
 * exception it throws is logged and otherwise ignored.
 */
public final class ParticipantGateway implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ParticipantGateway.class.getName());
  private static final String SHUTTING_DOWN = "coordinator shutting down";
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private final GatewayConfig config;
  private final ScheduledThreadPoolExecutor executor;
  private final CircuitBreakerRegistry breakers;
  private final ChannelCache channels;
  private final Retry retry;
  private final GatewayMetrics metrics;
  private final Set<Delivery> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicInteger queuedImmediateReports = new AtomicInteger();
  private volatile boolean closed;

  /**
   * Creates a gateway; channels are made on first use.
   *
   * @param config limits, retry and breaker settings
   * @param registry where the gateway's meters, and its breakers' and retry's, are registered
   */
  public ParticipantGateway(GatewayConfig config, MeterRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    AtomicInteger threadNumber = new AtomicInteger();
    this.executor =
        new ScheduledThreadPoolExecutor(
            config.callbackThreads(),
            r -> {
              Thread t =
                  new Thread(r, "zabtx-participant-gateway-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // A retry timer still pending at close belongs to a delivery close() already failed.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
    this.breakers = CircuitBreakerRegistry.of(breakerConfig(config));
    RetryRegistry retries = RetryRegistry.of(retryConfig(config));
    this.retry = retries.retry("participant-phase2");
    this.channels = new ChannelCache(config.maxChannels(), executor, breakers);
    this.metrics = new GatewayMetrics(registry);
    Gauge.builder(GatewayMetrics.INFLIGHT, admitted, AtomicInteger::get)
        .description("Participant deliveries under way, retries waiting included")
        .register(registry);
    Gauge.builder(GatewayMetrics.CHANNELS, channels, ChannelCache::size)
        .description("Open gRPC channels to participant endpoints")
        .register(registry);
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
  }

  /**
   * Delivers {@code cmd.phase()} to the participant at {@code cmd.endpoint()} and calls {@code
   * onResult} exactly once with what became of it (see the class comment for threads). Never
   * blocks.
   *
   * @param cmd what to send where, and the deadline of one attempt
   * @param onResult receives {@link DeliveryResult.Voted} for PREPARE and CAN_COMMIT, {@link
   *     DeliveryResult.Acked} for the others, or {@link DeliveryResult.Failed}
   * @throws NullPointerException if an argument is null (nothing could be reported)
   */
  public void send(Command.Send cmd, Consumer<DeliveryResult> onResult) {
    Objects.requireNonNull(cmd, "cmd");
    Objects.requireNonNull(onResult, "onResult");
    long startNanos = System.nanoTime();
    if (closed) {
      reportNow(cmd, onResult, new DeliveryResult.Failed(SHUTTING_DOWN), startNanos);
      return;
    }
    if (cmd.timeoutMillis() <= 0
        || cmd.xid() == null
        || cmd.phase() == null
        || cmd.protocol() == null) {
      reportNow(cmd, onResult, new DeliveryResult.Failed(invalid(cmd)), startNanos);
      return;
    }
    if (admitted.incrementAndGet() > config.maxInFlight()) {
      admitted.decrementAndGet();
      String why =
          "participant backlog full: "
              + config.maxInFlight()
              + " deliveries in flight (maxInFlight); "
              + cmd.phase()
              + " to "
              + cmd.endpoint()
              + " not sent, send it again later";
      reportNow(cmd, onResult, new DeliveryResult.Failed(why), startNanos);
      return;
    }
    Delivery delivery = new Delivery(cmd, onResult, startNanos);
    inFlight.add(delivery);
    if (closed) { // close() may have swept inFlight before this delivery was added
      finish(delivery, new DeliveryResult.Failed(SHUTTING_DOWN));
      return;
    }
    try {
      delivery.endpoint = channels.acquire(cmd.endpoint());
    } catch (IllegalArgumentException | IllegalStateException e) {
      executeOrRunHere(() -> finish(delivery, new DeliveryResult.Failed(e.getMessage())));
      return;
    }
    Supplier<CompletionStage<Message>> attempt = () -> attempt(delivery);
    CompletionStage<Message> answer;
    try {
      answer =
          cmd.phase().isVote() ? attempt.get() : retry.executeCompletionStage(executor, attempt);
    } catch (RuntimeException e) { // e.g. the pool rejected a task while closing
      answer = CompletableFuture.failedFuture(e);
    }
    try {
      answer.whenCompleteAsync(
          (message, failure) -> {
            DeliveryResult result =
                failure == null
                    ? PhaseMessages.interpret(cmd, message)
                    : new DeliveryResult.Failed(
                        CallFailures.describe(cmd, failure, delivery.attempts.get()));
            finish(delivery, result);
          },
          executor);
    } catch (RejectedExecutionException e) {
      // The answer came at once and the pool is closed: close() has reported this delivery.
      finish(delivery, new DeliveryResult.Failed(SHUTTING_DOWN));
    }
  }

  /**
   * Closes every channel and fails every delivery still in flight with {@code Failed("coordinator
   * shutting down")}, reported on the calling thread. Later sends fail the same way. Waits up to 2
   * s for the channels and the pool to finish their last callbacks. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Delivery delivery : inFlight) {
      finish(delivery, new DeliveryResult.Failed(SHUTTING_DOWN));
    }
    channels.closeAll(CLOSE_WAIT_MILLIS);
    executor.shutdown(); // reports already queued still run
    try {
      executor.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Deliveries under way now. */
  int inFlightCount() {
    return admitted.get();
  }

  /** Channels open now. */
  int channelCount() {
    return channels.size();
  }

  /** True if a channel to {@code endpoint} is open. */
  boolean hasChannel(String endpoint) {
    return channels.contains(endpoint);
  }

  /** The breaker of {@code endpoint}, if it has one now. */
  Optional<CircuitBreaker> breaker(String endpoint) {
    return breakers.find(endpoint);
  }

  private CompletionStage<Message> attempt(Delivery delivery) {
    if (delivery.done.get()) {
      // Reported already (close); no further attempt.
      return CompletableFuture.failedFuture(new CancellationException(SHUTTING_DOWN));
    }
    delivery.attempts.incrementAndGet();
    ChannelCache.Endpoint endpoint = delivery.endpoint;
    try {
      return endpoint.breaker.executeCompletionStage(
          () -> PhaseMessages.call(endpoint.stub, delivery.cmd));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void finish(Delivery delivery, DeliveryResult result) {
    if (!delivery.done.compareAndSet(false, true)) {
      return;
    }
    inFlight.remove(delivery);
    admitted.decrementAndGet();
    if (delivery.endpoint != null) {
      channels.release(delivery.endpoint);
    }
    deliver(delivery.cmd, delivery.onResult, result, delivery.startNanos);
  }

  // An immediate failure of a send that was never admitted: reported on the pool unless too many
  // such reports are queued already (a caller hammering a full backlog must not grow the queue).
  private void reportNow(
      Command.Send cmd, Consumer<DeliveryResult> onResult, DeliveryResult result, long startNanos) {
    if (!closed) {
      if (queuedImmediateReports.incrementAndGet() <= config.maxInFlight()) {
        try {
          executor.execute(
              () -> {
                queuedImmediateReports.decrementAndGet();
                deliver(cmd, onResult, result, startNanos);
              });
          return;
        } catch (RejectedExecutionException e) {
          // closing: report here
        }
      }
      queuedImmediateReports.decrementAndGet();
    }
    deliver(cmd, onResult, result, startNanos);
  }

  private void executeOrRunHere(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  private void deliver(
      Command.Send cmd, Consumer<DeliveryResult> onResult, DeliveryResult result, long startNanos) {
    if (cmd.phase() != null) {
      metrics.record(cmd.phase(), result, System.nanoTime() - startNanos);
    }
    try {
      onResult.accept(result);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "onResult threw for " + cmd + " with " + result, e);
    }
  }

  private static String invalid(Command.Send cmd) {
    return "invalid phase message "
        + cmd
        + ": xid, phase and protocol must be set and timeoutMillis must be positive";
  }

  private static CircuitBreakerConfig breakerConfig(GatewayConfig config) {
    return CircuitBreakerConfig.custom()
        .slidingWindow(
            config.breakerWindowSize(), config.breakerMinimumCalls(), SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(config.breakerFailureRatePercent())
        .waitDurationInOpenState(config.breakerOpenWait())
        .permittedNumberOfCallsInHalfOpenState(config.breakerHalfOpenCalls())
        // Only failures that say the participant is unwell count; NO votes are answers.
        .recordException(CallFailures::isTransient)
        .writableStackTraceEnabled(false)
        .build();
  }

  private static RetryConfig retryConfig(GatewayConfig config) {
    return RetryConfig.custom()
        .maxAttempts(config.retryMaxAttempts())
        .intervalFunction(
            IntervalFunction.ofExponentialRandomBackoff(
                config.retryBackoffMin(), 2.0, 0.5, config.retryBackoffMax()))
        .retryOnException(CallFailures::isTransient)
        .build();
  }

  /** One send under way. */
  private static final class Delivery {
    final Command.Send cmd;
    final Consumer<DeliveryResult> onResult;
    final long startNanos;
    final AtomicBoolean done = new AtomicBoolean();
    final AtomicInteger attempts = new AtomicInteger();
    // Set once by send() before the first attempt starts; read by the attempts that follow.
    volatile ChannelCache.Endpoint endpoint;

    Delivery(Command.Send cmd, Consumer<DeliveryResult> onResult, long startNanos) {
      this.cmd = cmd;
      this.onResult = onResult;
      this.startNanos = startNanos;
    }
  }
}
