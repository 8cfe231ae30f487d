package io.zabtx.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.BeginResponse;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.CommitResponse;
import io.zabtx.protocol.v1.CoordinatorServiceGrpc;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.RegisterBranchRequest;
import io.zabtx.protocol.v1.RegisterBranchResponse;
import io.zabtx.protocol.v1.TransactionServiceGrpc;
import io.zabtx.protocol.v1.TransactionStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The coordinator benchmark's client: leader lookup over REST, transaction load through the gRPC
 * client API or REST, the participant round-trip floor, and leader failover. One transaction is
 * Begin, RegisterBranch for each of B no-op participants (in parallel, as B participant SDKs would
 * on their first write), then Commit, which answers once the commit point is quorum-durable.
 */
final class CoordBench {

  private CoordBench() {}

  private static final Pattern XID = Pattern.compile("\"xid\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*(\\d+)");
  private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*([0-9.Ee+-]+)");
  private static final HttpClient PROBE =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  // ---- co-leader: the established leader, ready, with both followers alive ----

  static void leader(Args a) throws InterruptedException {
    TreeMap<Long, String> http = a.idMap("http");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(a.integer("timeout-s", 90));
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        Long leader = null;
        boolean agree = true;
        for (String url : http.values()) {
          String body = get(url + "/api/v1/cluster");
          Matcher m = LEADER.matcher(body);
          Long l = m.find() ? Long.parseLong(m.group(1)) : null;
          if (l == null || (leader != null && !leader.equals(l))) {
            agree = false;
          }
          leader = l;
          last = body;
        }
        if (agree && leader != null && status(http.get(leader) + "/actuator/health/readiness") == 200) {
          Args.result(a.get("prefix", "co"), "leader", leader);
          return;
        }
      } catch (Exception e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    Args.log("no established leader that every node agrees on; last answer: " + last);
    System.exit(1);
  }

  static String get(String url) throws Exception {
    HttpResponse<String> r =
        PROBE.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  static int status(String url) throws Exception {
    return PROBE.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The leader's {@code zab_proposals_total}, or -1. */
  static double proposals(String httpUrl) {
    try {
      for (String line : get(httpUrl + "/actuator/prometheus").split("\n")) {
        if (line.startsWith("zab_proposals_total")) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    } catch (Exception e) {
      Args.log("prometheus: " + e);
    }
    return -1;
  }

  static double heapBytes(String httpUrl) {
    try {
      Matcher m = VALUE.matcher(get(httpUrl + "/actuator/metrics/jvm.memory.used?tag=area:heap"));
      return m.find() ? Double.parseDouble(m.group(1)) : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  // ---- the transaction drivers ----

  static <T> CompletableFuture<T> unary(Consumer<StreamObserver<T>> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    call.accept(
        new StreamObserver<T>() {
          T value;

          @Override
          public void onNext(T v) {
            value = v;
          }

          @Override
          public void onError(Throwable t) {
            f.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            f.complete(value);
          }
        });
    return f;
  }

  /** Runs one transaction; completes with the commit call's own latency in ns. */
  interface TxDriver {
    CompletableFuture<Long> run();
  }

  static final class GrpcDriver implements TxDriver {
    final TransactionServiceGrpc.TransactionServiceStub tx;
    final CoordinatorServiceGrpc.CoordinatorServiceStub coord;
    final BeginRequest begin;
    final List<String> endpoints;
    final long timeoutMs;

    GrpcDriver(ManagedChannel ch, Protocol p, List<String> endpoints, long timeoutMs) {
      this.tx = TransactionServiceGrpc.newStub(ch);
      this.coord = CoordinatorServiceGrpc.newStub(ch);
      this.begin = BeginRequest.newBuilder().setProtocol(p).setName("bench").build();
      this.endpoints = endpoints;
      this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<Long> run() {
      return unary(
              (StreamObserver<BeginResponse> o) ->
                  tx.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).begin(begin, o))
          .thenCompose(b -> register(coord, b.getXid(), endpoints, timeoutMs).thenApply(v -> b))
          .thenCompose(
              b -> {
                long c0 = System.nanoTime();
                return unary(
                        (StreamObserver<CommitResponse> o) ->
                            tx.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                                .commit(CommitRequest.newBuilder().setXid(b.getXid()).build(), o))
                    .thenApply(
                        r -> {
                          if (r.getStatus() != TransactionStatus.COMMITTING
                              && r.getStatus() != TransactionStatus.COMMITTED) {
                            throw new IllegalStateException("commit answered " + r.getStatus());
                          }
                          return System.nanoTime() - c0;
                        });
              });
    }
  }

  static CompletableFuture<Void> register(
      CoordinatorServiceGrpc.CoordinatorServiceStub coord,
      String xid,
      List<String> endpoints,
      long timeoutMs) {
    CompletableFuture<?>[] regs = new CompletableFuture<?>[endpoints.size()];
    for (int i = 0; i < regs.length; i++) {
      RegisterBranchRequest r =
          RegisterBranchRequest.newBuilder()
              .setXid(xid)
              .setEndpoint(endpoints.get(i))
              .setResource("bench/r" + i)
              .build();
      regs[i] =
          unary(
              (StreamObserver<RegisterBranchResponse> o) ->
                  coord.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).registerBranch(r, o));
    }
    return CompletableFuture.allOf(regs);
  }

  /** One loop's transaction, run on the loop's own thread; answers the commit call's ns. */
  interface BlockingTx extends AutoCloseable {
    long run() throws Exception;

    @Override
    void close();
  }

  /**
   * Begin and Commit over REST on the loop's own keep-alive connection ({@link RawHttp}), the
   * registrations over gRPC in parallel as before. The JDK HttpClient used here before spent more
   * CPU than the coordinator serving it, so the REST cells measured the client.
   */
  static final class RestTx implements BlockingTx {
    static final String PATH = "/api/v1/transactions";
    final RawHttp http;
    final CoordinatorServiceGrpc.CoordinatorServiceStub coord;
    final String body;
    final List<String> endpoints;
    final long timeoutMs;

    RestTx(String httpUrl, ManagedChannel ch, Protocol p, List<String> endpoints, long timeoutMs) {
      this.http = new RawHttp(httpUrl, (int) timeoutMs);
      this.coord = CoordinatorServiceGrpc.newStub(ch);
      this.body = "{\"protocol\":\"" + (p == Protocol.TWO_PHASE ? "2PC" : "3PC") + "\"}";
      this.endpoints = endpoints;
      this.timeoutMs = timeoutMs;
    }

    @Override
    public long run() throws Exception {
      RawHttp.Reply r = http.post(PATH, body);
      Matcher m = XID.matcher(r.body());
      if (r.status() != 201 || !m.find()) {
        throw new IllegalStateException("begin answered HTTP " + r.status());
      }
      String xid = m.group(1);
      register(coord, xid, endpoints, timeoutMs).get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
      long c0 = System.nanoTime();
      r = http.post(PATH + "/" + xid + "/commit", "");
      if (r.status() != 200 || !r.body().contains("COMMIT")) {
        throw new IllegalStateException("commit answered HTTP " + r.status());
      }
      return System.nanoTime() - c0;
    }

    @Override
    public void close() {
      http.close();
    }
  }

  /** C loops, each running one transaction after another until stopped. */
  static final class Loops {
    final Measure measure;
    final Recorder commitLatency = new Recorder(TimeUnit.MINUTES.toNanos(2), 3);
    final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
    final AtomicInteger running = new AtomicInteger();
    final ScheduledExecutorService retry;
    volatile boolean stop;

    Loops(Measure measure, ScheduledExecutorService retry) {
      this.measure = measure;
      this.retry = retry;
    }

    void start(int concurrency, TxDriver driver) {
      for (int i = 0; i < concurrency; i++) {
        running.incrementAndGet();
        next(driver);
      }
    }

    /** C threads, each with its own {@link BlockingTx} (so its own connection). */
    void startBlocking(int concurrency, Supplier<BlockingTx> txs) {
      for (int i = 0; i < concurrency; i++) {
        running.incrementAndGet();
        Thread t =
            new Thread(
                () -> {
                  try (BlockingTx tx = txs.get()) {
                    while (!stop) {
                      long t0 = System.nanoTime();
                      try {
                        succeeded(t0, tx.run());
                      } catch (InterruptedException e) {
                        return;
                      } catch (Exception e) {
                        failed(e);
                        Thread.sleep(20); // as the async loops: back off instead of spinning
                      }
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } finally {
                    running.decrementAndGet();
                  }
                },
                "loop-" + i);
        t.setDaemon(true);
        t.start();
      }
    }

    void next(TxDriver driver) {
      if (stop) {
        running.decrementAndGet();
        return;
      }
      long t0 = System.nanoTime();
      CompletableFuture<Long> f;
      try {
        f = driver.run();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete(
          (commitNs, err) -> {
            if (err == null) {
              succeeded(t0, commitNs);
              next(driver);
            } else {
              failed(err);
              // an overloaded or leaderless coordinator: back off briefly instead of spinning
              retry.schedule(() -> next(driver), 20, TimeUnit.MILLISECONDS);
            }
          });
    }

    void succeeded(long t0, long commitNs) {
      measure.record(System.nanoTime() - t0);
      commitLatency.recordValue(Math.max(1, Math.min(commitNs, TimeUnit.MINUTES.toNanos(2))));
    }

    void failed(Throwable err) {
      measure.errors.incrementAndGet();
      errorKinds.computeIfAbsent(kind(err), k -> new AtomicLong()).incrementAndGet();
    }

    boolean awaitStopped(long millis) throws InterruptedException {
      stop = true;
      long deadline = System.currentTimeMillis() + millis;
      while (running.get() > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      return running.get() == 0;
    }
  }

  static String kind(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && !(t instanceof StatusRuntimeException)) {
      t = t.getCause();
    }
    if (t instanceof StatusRuntimeException s) {
      return s.getStatus().getCode().name();
    }
    String m = String.valueOf(t.getMessage());
    return (t.getClass().getSimpleName() + ":" + m).replaceAll("[^A-Za-z0-9_:]", "_");
  }

  // ---- co-load: a list of cells, each warm-up + measured window, in one JVM ----

  static void load(Args a) throws Exception {
    TreeMap<Long, String> grpc = a.idMap("grpc");
    TreeMap<Long, String> http = a.idMap("http");
    long leader = Long.parseLong(a.get("leader"));
    List<String> participants = List.of(a.get("participants").split(","));
    int warmupS = a.integer("warmup-s", 5);
    int durationS = a.integer("duration-s", 15);
    int heapMs = a.integer("heap-sample-ms", 0);
    long timeoutMs = a.integer("call-timeout-ms", 10000);
    String prefix = a.get("prefix", "co");
    Map<String, Long> cpuPids = a.namedPids("cpu-pids");
    ManagedChannel ch = ZabBench.channel(grpc.get(leader));
    ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor();
    try {
      for (String cell : a.get("cells").split(",")) {
        // api:protocol:branches:concurrency, e.g. grpc:2PC:2:32
        String[] c = cell.split(":");
        String api = c[0];
        Protocol p = c[1].equalsIgnoreCase("3PC") ? Protocol.THREE_PHASE : Protocol.TWO_PHASE;
        int b = Integer.parseInt(c[2]);
        int conc = Integer.parseInt(c[3]);
        String cp = prefix + "." + api + "." + c[1].toLowerCase() + ".b" + b + ".c" + conc;
        if (b > participants.size()) {
          throw new IllegalArgumentException(cell + ": only " + participants.size() + " participants");
        }
        List<String> eps = participants.subList(0, b);
        String url = http.get(leader);
        Consumer<Loops> start =
            api.equals("rest")
                ? l -> l.startBlocking(conc, () -> new RestTx(url, ch, p, eps, timeoutMs))
                : l -> l.start(conc, new GrpcDriver(ch, p, eps, timeoutMs));
        Args.log("cell " + cp);
        runCell(cp, start, warmupS, durationS, url, heapMs, cpuPids, retry);
      }
    } finally {
      ch.shutdownNow();
      retry.shutdownNow();
    }
  }

  static void runCell(
      String cp,
      Consumer<Loops> start,
      int warmupS,
      int durationS,
      String leaderHttp,
      int heapMs,
      Map<String, Long> cpuPids,
      ScheduledExecutorService retry)
      throws Exception {
    Measure m = new Measure(cpuPids);
    Loops loops = new Loops(m, retry);
    start.accept(loops);
    Thread.sleep(warmupS * 1000L);
    double p0 = proposals(leaderHttp);
    loops.commitLatency.getIntervalHistogram();
    m.begin();
    long t0 = System.nanoTime();
    List<double[]> heap = new ArrayList<>();
    long end = t0 + TimeUnit.SECONDS.toNanos(durationS);
    while (System.nanoTime() < end) {
      if (heapMs > 0) {
        double h = heapBytes(leaderHttp);
        if (h >= 0) {
          heap.add(new double[] {(System.nanoTime() - t0) / 1e9, h});
        }
        Thread.sleep(Math.max(1, Math.min(heapMs, (end - System.nanoTime()) / 1_000_000)));
      } else {
        Thread.sleep(Math.max(1, Math.min(200, (end - System.nanoTime()) / 1_000_000)));
      }
    }
    m.end();
    Histogram commit = loops.commitLatency.getIntervalHistogram();
    double p1 = proposals(leaderHttp);
    long ops0 = m.ok.get();
    boolean drained = loops.awaitStopped(15_000);
    m.print(cp);
    long ops = m.ok.get() - ops0; // answered after the window closed (the drain)
    Args.result(cp, "drained", drained);
    Args.result(cp, "commit_p50_us", String.format("%.1f", commit.getValueAtPercentile(50) / 1e3));
    Args.result(cp, "commit_p99_us", String.format("%.1f", commit.getValueAtPercentile(99) / 1e3));
    if (p0 >= 0 && p1 >= 0) {
      Args.result(cp, "proposals", String.format("%.0f", p1 - p0));
    }
    StringBuilder kinds = new StringBuilder();
    loops.errorKinds.forEach((k, v) -> kinds.append(kinds.length() == 0 ? "" : ";").append(k).append(':').append(v));
    Args.result(cp, "error_kinds", kinds);
    Args.result(cp, "ops_after_window", ops);
    if (!heap.isEmpty()) {
      Args.result(cp, "heap.samples", heap.size());
      for (int third = 0; third < 3; third++) {
        double lo = durationS * third / 3.0;
        double hi = durationS * (third + 1) / 3.0;
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double[] s : heap) {
          if (s[0] >= lo && s[0] < hi) {
            min = Math.min(min, s[1]);
            max = Math.max(max, s[1]);
          }
        }
        if (max > 0) {
          Args.result(cp, "heap.t" + (third + 1) + ".min_mb", String.format("%.1f", min / 1048576));
          Args.result(cp, "heap.t" + (third + 1) + ".max_mb", String.format("%.1f", max / 1048576));
        }
      }
    }
  }

  // ---- co-rtt: one gRPC round trip to a no-op participant, alone and B in parallel ----

  static void rtt(Args a) throws Exception {
    List<String> targets = List.of(a.get("targets").split(","));
    int warmupS = a.integer("warmup-s", 2);
    int durationS = a.integer("duration-s", 5);
    String prefix = a.get("prefix", "floor");
    List<ManagedChannel> chans = new ArrayList<>();
    for (String t : targets) {
      chans.add(ZabBench.channel(t));
    }
    try {
      for (String bs : a.get("parallel", "1,2,8").split(",")) {
        int b = Integer.parseInt(bs.trim());
        List<io.zabtx.protocol.v1.ParticipantServiceGrpc.ParticipantServiceStub> stubs =
            new ArrayList<>();
        for (int i = 0; i < b; i++) {
          stubs.add(io.zabtx.protocol.v1.ParticipantServiceGrpc.newStub(chans.get(i)));
        }
        io.zabtx.protocol.v1.PhaseRequest req =
            io.zabtx.protocol.v1.PhaseRequest.newBuilder()
                .setXid("1-1")
                .setBranchId(1)
                .setProtocol(Protocol.TWO_PHASE)
                .build();
        Measure m = new Measure(Map.of());
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupS);
        boolean measuring = false;
        long end = Long.MAX_VALUE;
        while (System.nanoTime() < end) {
          if (!measuring && System.nanoTime() >= warmEnd) {
            m.begin();
            measuring = true;
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(durationS);
          }
          long t0 = System.nanoTime();
          CompletableFuture<?>[] fs = new CompletableFuture<?>[b];
          for (int i = 0; i < b; i++) {
            var s = stubs.get(i);
            fs[i] =
                unary(
                    (StreamObserver<io.zabtx.protocol.v1.VoteResponse> o) ->
                        s.withDeadlineAfter(5, TimeUnit.SECONDS).prepare(req, o));
          }
          CompletableFuture.allOf(fs).get(10, TimeUnit.SECONDS);
          m.record(System.nanoTime() - t0);
        }
        m.end();
        m.print(prefix + ".par" + b);
      }
    } finally {
      chans.forEach(ManagedChannel::shutdownNow);
    }
  }

  // ---- co-failover: light load, SIGKILL of the leader, time to the next commit elsewhere ----

  static void failover(Args a) throws Exception {
    TreeMap<Long, String> grpc = a.idMap("grpc");
    TreeMap<Long, String> pids = a.idMap("pids");
    long leader = Long.parseLong(a.get("leader"));
    List<String> participants = List.of(a.get("participants").split(","));
    int conc = a.integer("concurrency", 4);
    int b = a.integer("branches", 2);
    long preMs = a.integer("pre-ms", 1500);
    long callMs = a.integer("call-timeout-ms", 1000);
    long maxMs = a.integer("timeout-s", 30) * 1000L;
    String prefix = a.get("prefix", "failover");
    List<Long> ids = new ArrayList<>(grpc.keySet());
    Map<Long, TxDriver> drivers = new TreeMap<>();
    List<ManagedChannel> chans = new ArrayList<>();
    for (long id : ids) {
      ManagedChannel ch = ZabBench.channel(grpc.get(id));
      chans.add(ch);
      drivers.put(id, new GrpcDriver(ch, Protocol.TWO_PHASE, participants.subList(0, b), callMs));
    }
    AtomicLong killedAt = new AtomicLong(0);
    AtomicLong firstAfter = new AtomicLong(0);
    AtomicLong firstNode = new AtomicLong(0);
    AtomicLong before = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong errorsBefore = new AtomicLong();
    Map<String, AtomicLong> kinds = new ConcurrentHashMap<>();
    ScheduledExecutorService retry = Executors.newScheduledThreadPool(1);
    long[] node = new long[conc];
    final boolean[] stop = {false};
    class Loop {
      void next(int w) {
        if (stop[0]) {
          return;
        }
        long n = node[w];
        drivers
            .get(n)
            .run()
            .whenComplete(
                (ns, err) -> {
                  if (err == null) {
                    long k = killedAt.get();
                    if (k == 0) {
                      before.incrementAndGet();
                    } else if (n != leader) {
                      firstAfter.compareAndSet(0, System.nanoTime());
                      firstNode.compareAndSet(0, n);
                    }
                    next(w);
                  } else {
                    if (killedAt.get() != 0) {
                      errors.incrementAndGet();
                      kinds.computeIfAbsent(kind(err), x -> new AtomicLong()).incrementAndGet();
                    } else {
                      errorsBefore.incrementAndGet();
                    }
                    // retry on the next node (followers forward to whoever leads)
                    node[w] = ids.get((ids.indexOf(n) + 1) % ids.size());
                    retry.schedule(() -> next(w), 20, TimeUnit.MILLISECONDS);
                  }
                });
      }
    }
    Loop loop = new Loop();
    for (int w = 0; w < conc; w++) {
      node[w] = leader;
      loop.next(w);
    }
    Thread.sleep(preMs);
    long pid = Long.parseLong(pids.get(leader));
    killedAt.set(System.nanoTime());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    long k = killedAt.get();
    Args.result(prefix, "killed_sid", leader);
    Args.result(prefix, "commits_before", before.get());
    Args.result(prefix, "errors_before", errorsBefore.get());
    while (firstAfter.get() == 0 && System.nanoTime() - k < maxMs * 1_000_000) {
      Thread.sleep(1);
    }
    stop[0] = true;
    if (firstAfter.get() != 0) {
      Args.result(prefix, "ms", String.format("%.0f", (firstAfter.get() - k) / 1e6));
      Args.result(prefix, "first_node", firstNode.get());
    } else {
      Args.result(prefix, "ms", "timeout");
    }
    Args.result(prefix, "errors_after_kill", errors.get());
    StringBuilder kb = new StringBuilder();
    kinds.forEach((x, v) -> kb.append(kb.length() == 0 ? "" : ";").append(x).append(':').append(v));
    Args.result(prefix, "error_kinds", kb);
    Thread.sleep(200);
    chans.forEach(ManagedChannel::shutdownNow);
    retry.shutdownNow();
  }

  static Status.Code code(Throwable t) {
    return t instanceof StatusRuntimeException s ? s.getStatus().getCode() : Status.Code.UNKNOWN;
  }
}
