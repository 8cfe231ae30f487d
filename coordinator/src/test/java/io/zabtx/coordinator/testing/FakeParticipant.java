package io.zabtx.coordinator.testing;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.StreamObserver;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.protocol.v1.AckResponse;
import io.zabtx.protocol.v1.BranchState;
import io.zabtx.protocol.v1.ParticipantServiceGrpc;
import io.zabtx.protocol.v1.PhaseRequest;
import io.zabtx.protocol.v1.VoteResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A participant for tests: a real gRPC server (plaintext, 127.0.0.1) serving {@code
 * zabtx.v1.ParticipantService}, whose behaviour the test scripts and whose calls it records.
 *
 * <p>Script: the vote per xid or by default, UNAVAILABLE for the next N calls of a phase, calls of
 * a phase that hang until {@link #release()}, a delay before answering, a heuristic state to report
 * on an ack. Without a script it votes YES and acknowledges everything. Branch rows are kept as a
 * real participant keeps them (see {@link FakeBranches}): repeats are idempotent, an ABORT of an
 * unknown branch leaves a tombstone, and contradictory orders are listed by {@link #conflicts()}.
 *
 * <p>Every method is thread-safe. Run standalone with {@code main --port N} (prints {@code READY
 * port=<port>}) for process-level tests.
 */
public final class FakeParticipant implements AutoCloseable {

  private final Object lock = new Object();
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fake-participant-timer");
            t.setDaemon(true);
            return t;
          });

  // Everything below is guarded by lock; waiters are woken on every change.
  private final List<RecordedCall> calls = new ArrayList<>();
  private final FakeBranches branches = new FakeBranches();
  private final Map<String, Vote> votesByXid = new HashMap<>();
  private final Map<String, String> reasonsByXid = new HashMap<>();
  private final Map<Phase, Integer> failuresLeft = new EnumMap<>(Phase.class);
  private final Set<Phase> hanging = EnumSet.noneOf(Phase.class);
  private final List<Runnable> hung = new ArrayList<>();
  private final Map<Phase, Duration> delays = new EnumMap<>(Phase.class);
  private final Map<String, BranchState> heuristics = new HashMap<>();
  private Vote defaultVote = Vote.YES;
  private String defaultReason = "";
  private Server server;
  private int port;

  private FakeParticipant(int port) {
    this.port = port;
  }

  /** Starts a fake on a free port of 127.0.0.1. */
  public static FakeParticipant start() {
    return startOn(0);
  }

  /** Starts a fake on {@code port} of 127.0.0.1 (0: a free one). */
  public static FakeParticipant startOn(int port) {
    FakeParticipant fake = new FakeParticipant(port);
    fake.startServer();
    return fake;
  }

  /** The port it listens on (kept across {@link #stop()} and {@link #restart()}). */
  public int port() {
    synchronized (lock) {
      return port;
    }
  }

  /** {@code "127.0.0.1:<port>"}, as a participant gives it in RegisterBranch. */
  public String endpoint() {
    return "127.0.0.1:" + port();
  }

  /** Stops serving (calls in flight and hung calls end with an error); state and records stay. */
  public void stop() {
    Server stopping;
    synchronized (lock) {
      stopping = server;
      server = null;
      hung.clear();
      lock.notifyAll();
    }
    if (stopping != null) {
      stopping.shutdownNow();
      try {
        stopping.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Serves again on the same port after {@link #stop()}; state, script and records stay. */
  public void restart() {
    stop();
    startServer();
  }

  /** True while serving. */
  public boolean isRunning() {
    synchronized (lock) {
      return server != null;
    }
  }

  /** Stops serving for good. */
  @Override
  public void close() {
    stop();
    timers.shutdownNow();
  }

  // ---- script ----

  /** Votes {@code vote} (with {@code reason}) on every xid that has no vote of its own. */
  public FakeParticipant voteByDefault(Vote vote, String reason) {
    synchronized (lock) {
      defaultVote = vote;
      defaultReason = reason;
    }
    return this;
  }

  /** Votes {@code vote} (with {@code reason}) on {@code xid}. */
  public FakeParticipant vote(String xid, Vote vote, String reason) {
    synchronized (lock) {
      votesByXid.put(xid, vote);
      reasonsByXid.put(xid, reason);
    }
    return this;
  }

  /** Fails the next {@code n} calls of {@code phase} with UNAVAILABLE (state untouched). */
  public FakeParticipant failNext(Phase phase, int n) {
    synchronized (lock) {
      failuresLeft.put(phase, n);
    }
    return this;
  }

  /** Leaves every later call of {@code phase} unanswered until {@link #release()}. */
  public FakeParticipant hang(Phase phase) {
    synchronized (lock) {
      hanging.add(phase);
    }
    return this;
  }

  /** Stops hanging and answers every hung call as if it had just arrived (callers may be gone). */
  public void release() {
    List<Runnable> answers;
    synchronized (lock) {
      hanging.clear();
      answers = new ArrayList<>(hung);
      hung.clear();
      lock.notifyAll();
    }
    answers.forEach(Runnable::run);
  }

  /** Answers calls of {@code phase} after {@code delay} (zero: at once). */
  public FakeParticipant delay(Phase phase, Duration delay) {
    synchronized (lock) {
      delays.put(phase, delay);
    }
    return this;
  }

  /**
   * Reports {@code state} (a HEURISTIC_* state) on the next ack of the branch, and from then on.
   */
  public FakeParticipant reportHeuristic(String xid, int branchId, BranchState state) {
    synchronized (lock) {
      heuristics.put(FakeBranches.key(xid, branchId), state);
    }
    return this;
  }

  // ---- what happened ----

  /** Every call received, in arrival order. */
  public List<RecordedCall> calls() {
    synchronized (lock) {
      return List.copyOf(calls);
    }
  }

  /** The calls of {@code phase} received, in arrival order. */
  public List<RecordedCall> calls(Phase phase) {
    synchronized (lock) {
      return calls.stream().filter(c -> c.phase() == phase).toList();
    }
  }

  /** How many calls of {@code phase} arrived. */
  public int callCount(Phase phase) {
    return calls(phase).size();
  }

  /** How many calls hang now. */
  public int hungCount() {
    synchronized (lock) {
      return hung.size();
    }
  }

  /**
   * Waits until at least {@code n} calls of {@code phase} arrived.
   *
   * @return the calls of {@code phase}
   * @throws AssertionError if they did not arrive within {@code timeout}
   */
  public List<RecordedCall> awaitCalls(Phase phase, int n, Duration timeout) {
    awaitCondition(
        () -> calls.stream().filter(c -> c.phase() == phase).count() >= n,
        timeout,
        () -> n + " " + phase + " calls (got " + calls(phase).size() + ")");
    return calls(phase);
  }

  /** Waits until at least {@code n} calls hang; AssertionError after {@code timeout}. */
  public void awaitHung(int n, Duration timeout) {
    awaitCondition(
        () -> hung.size() >= n, timeout, () -> n + " hung calls (got " + hungCount() + ")");
  }

  /** The branch's state, or null if the participant never heard of it. */
  public BranchState branchState(String xid, int branchId) {
    synchronized (lock) {
      return branches.state(xid, branchId);
    }
  }

  /** Every branch row, keyed {@code "<xid>/<branchId>"}, in order of first appearance. */
  public Map<String, BranchState> branches() {
    synchronized (lock) {
      return branches.rows();
    }
  }

  /** True if the branch was unknown when ABORT arrived (an ABORTED tombstone). */
  public boolean isTombstone(String xid, int branchId) {
    synchronized (lock) {
      return branches.isTombstone(xid, branchId);
    }
  }

  /** Orders no correct coordinator gives (e.g. COMMIT after ABORT); empty when all is well. */
  public List<String> conflicts() {
    synchronized (lock) {
      return branches.conflicts();
    }
  }

  // ---- serving ----

  private void startServer() {
    synchronized (lock) {
      if (server != null) {
        throw new IllegalStateException("already serving on port " + port);
      }
      Server started =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
              // Lets restart() bind the same port while old connections sit in TIME_WAIT.
              .withOption(ChannelOption.SO_REUSEADDR, true)
              .addService(new Service())
              .build();
      try {
        started.start();
      } catch (IOException e) {
        throw new UncheckedIOException("fake participant cannot listen on port " + port, e);
      }
      server = started;
      port = started.getPort();
    }
  }

  private void awaitCondition(
      BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!condition.getAsBoolean()) {
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMillis <= 0) {
          throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
        }
        try {
          lock.wait(leftMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for " + what.get(), e);
        }
      }
    }
  }

  /** Records the call and answers, fails, delays or parks it as scripted. */
  private <T> void handle(PhaseRequest request, Phase phase, StreamObserver<T> observer) {
    Runnable answer = () -> answer(request, phase, observer);
    Duration delay;
    synchronized (lock) {
      calls.add(
          new RecordedCall(
              request.getXid(),
              request.getBranchId(),
              phase,
              request.getProtocol(),
              Instant.now()));
      lock.notifyAll();
      int failures = failuresLeft.getOrDefault(phase, 0);
      if (failures > 0) {
        failuresLeft.put(phase, failures - 1);
        observer.onError(
            Status.UNAVAILABLE
                .withDescription("scripted failure of " + phase)
                .asRuntimeException());
        return;
      }
      if (hanging.contains(phase)) {
        hung.add(answer);
        lock.notifyAll();
        return;
      }
      delay = delays.getOrDefault(phase, Duration.ZERO);
    }
    if (delay.isZero()) {
      answer.run();
    } else {
      timers.schedule(answer, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> void answer(PhaseRequest request, Phase phase, StreamObserver<T> observer) {
    FakeBranches.Answer answer;
    synchronized (lock) {
      String xid = request.getXid();
      String key = FakeBranches.key(xid, request.getBranchId());
      Vote vote = votesByXid.getOrDefault(xid, defaultVote);
      String reason = votesByXid.containsKey(xid) ? reasonsByXid.get(xid) : defaultReason;
      answer = branches.apply(xid, request.getBranchId(), phase, vote, reason, heuristics.get(key));
      lock.notifyAll();
    }
    Object response =
        phase.isVote()
            ? VoteResponse.newBuilder()
                .setVote(
                    answer.vote() == Vote.YES
                        ? io.zabtx.protocol.v1.Vote.YES
                        : io.zabtx.protocol.v1.Vote.NO)
                .setReason(answer.reason())
                .build()
            : AckResponse.newBuilder().setState(answer.state()).setDetail(answer.reason()).build();
    try {
      observer.onNext((T) response);
      observer.onCompleted();
    } catch (RuntimeException e) {
      // The caller gave up (deadline) or the server is stopping: the branch row stands, as a real
      // participant's would.
    }
  }

  private final class Service extends ParticipantServiceGrpc.ParticipantServiceImplBase {
    @Override
    public void prepare(PhaseRequest request, StreamObserver<VoteResponse> observer) {
      handle(request, Phase.PREPARE, observer);
    }

    @Override
    public void canCommit(PhaseRequest request, StreamObserver<VoteResponse> observer) {
      handle(request, Phase.CAN_COMMIT, observer);
    }

    @Override
    public void preCommit(PhaseRequest request, StreamObserver<AckResponse> observer) {
      handle(request, Phase.PRE_COMMIT, observer);
    }

    @Override
    public void commit(PhaseRequest request, StreamObserver<AckResponse> observer) {
      handle(request, Phase.COMMIT, observer);
    }

    @Override
    public void abort(PhaseRequest request, StreamObserver<AckResponse> observer) {
      handle(request, Phase.ABORT, observer);
    }
  }

  /**
   * Runs a fake that votes YES and acknowledges everything until the JVM is stopped. Prints {@code
   * READY port=<port>} once it listens.
   *
   * @param args {@code --port N} (default 0: a free port)
   */
  public static void main(String[] args) throws InterruptedException {
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      try {
        if (arg.equals("--port") && i + 1 < args.length) {
          port = Integer.parseInt(args[++i]);
        } else if (arg.startsWith("--port=")) {
          port = Integer.parseInt(arg.substring("--port=".length()));
        } else {
          throw new IllegalArgumentException("unknown argument '" + arg + "'");
        }
        if (port < 0 || port > 65_535) {
          throw new IllegalArgumentException("port " + port + " is outside 0-65535");
        }
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage() + "; usage: FakeParticipant [--port N]");
        System.exit(2);
      }
    }
    FakeParticipant fake = FakeParticipant.startOn(port);
    Runtime.getRuntime().addShutdownHook(new Thread(fake::close, "fake-participant-stop"));
    System.out.println("READY port=" + fake.port());
    System.out.flush();
    new java.util.concurrent.CountDownLatch(1).await();
  }
}
