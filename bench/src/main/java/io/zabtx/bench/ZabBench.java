package io.zabtx.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.zabtx.replication.node.KeyValueStateMachine;
import io.zabtx.replication.node.proto.ProposeReply;
import io.zabtx.replication.node.proto.ProposeRequest;
import io.zabtx.replication.node.proto.StatusReply;
import io.zabtx.replication.node.proto.StatusRequest;
import io.zabtx.replication.node.proto.ZabClientGrpc;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Load, heap sampling and failover against ZabTX nodes through their gRPC client API. */
final class ZabBench {

  private ZabBench() {}

  static final int KEYS = 100;

  static ManagedChannel channel(String hostPort) {
    InetSocketAddress a = Args.address(hostPort);
    return NettyChannelBuilder.forAddress(a.getHostString(), a.getPort())
        .usePlaintext()
        .directExecutor()
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  /** 1 KiB (by default) put commands on {@link #KEYS} keys, built once. */
  static ByteString[] payloads(int size) {
    Random r = new Random(42);
    ByteString[] p = new ByteString[KEYS];
    for (int i = 0; i < KEYS; i++) {
      byte[] v = new byte[size];
      r.nextBytes(v);
      p[i] = ByteString.copyFrom(KeyValueStateMachine.put("k" + i, v));
    }
    return p;
  }

  static StatusReply status(ManagedChannel ch) {
    return ZabClientGrpc.newBlockingStub(ch)
        .withDeadlineAfter(2, TimeUnit.SECONDS)
        .status(StatusRequest.getDefaultInstance());
  }

  // ---- zab-leader: wait until one established leader is followed by every other node ----

  static void leader(Args a) throws InterruptedException {
    Map<Long, String> nodes = a.idMap("nodes");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(a.integer("timeout-s", 60));
    Map<Long, ManagedChannel> chans = new TreeMap<>();
    nodes.forEach((sid, hp) -> chans.put(sid, channel(hp)));
    try {
      while (System.nanoTime() < deadline) {
        long leader = -1;
        int following = 0;
        for (Map.Entry<Long, ManagedChannel> e : chans.entrySet()) {
          try {
            StatusReply s = status(e.getValue());
            if (s.getRole().equals("LEADING") && s.getEstablished()) {
              leader = s.getSid();
            } else if (s.getRole().equals("FOLLOWING")) {
              following++;
            }
          } catch (RuntimeException ignored) {
            // not up yet
          }
        }
        if (leader > 0 && following == nodes.size() - 1) {
          // check the followers follow that leader
          boolean all = true;
          for (ManagedChannel c : chans.values()) {
            StatusReply s = status(c);
            all &= s.getLeader() == leader;
          }
          if (all) {
            Args.result(a.get("prefix", "zab"), "leader", leader);
            return;
          }
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("no stable ZabTX leader within the timeout");
    } finally {
      chans.values().forEach(ManagedChannel::shutdownNow);
    }
  }

  static void status(Args a) {
    ManagedChannel ch = channel(a.get("target"));
    try {
      StatusReply s = status(ch);
      String p = a.get("prefix", "zab.status");
      Args.result(p, "role", s.getRole());
      Args.result(p, "applied", s.getAppliedCount());
      Args.result(p, "heap_mb", String.format("%.1f", s.getHeapUsedBytes() / 1048576.0));
    } finally {
      ch.shutdownNow();
    }
  }

  // ---- zab-load ----

  /** The client's Propose stream to one node. */
  private static final class LoadStream {
    final long sid;
    final StreamObserver<ProposeRequest> req;

    LoadStream(long sid, StreamObserver<ProposeRequest> req) {
      this.sid = sid;
      this.req = req;
    }
  }

  /**
   * Keeps {@code window} proposals unanswered on one Propose stream to the leader. A NOT_LEADER
   * reply that names another leader moves the load there (a new stream), as a real client would;
   * refused slots are retried after 20 ms.
   */
  static void load(Args a) throws Exception {
    String prefix = a.get("prefix", "zab.load");
    int window = a.integer("window", 1);
    ByteString[] payload = payloads(a.integer("size", 1024));
    Measure m = new Measure(a.namedPids("cpu-pids"));
    Map<Long, String> nodes = a.idMap("nodes");
    long firstTarget = Long.parseLong(a.get("leader"));
    Map<Long, ManagedChannel> chans = new TreeMap<>();
    nodes.forEach((sid, hp) -> chans.put(sid, channel(hp)));
    final int mask = (1 << 20) - 1;
    long[] sentAt = new long[mask + 1];
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicInteger outstanding = new AtomicInteger();
    AtomicLong nextId = new AtomicLong();
    AtomicLong notLeader = new AtomicLong();
    AtomicLong overloaded = new AtomicLong();
    AtomicLong otherErrors = new AtomicLong();
    AtomicLong streamErrors = new AtomicLong();
    AtomicLong switches = new AtomicLong();
    Object lock = new Object();
    ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor();
    LoadStream[] current = new LoadStream[1];

    Runnable sendOne =
        () -> {
          synchronized (lock) {
            long id = nextId.getAndIncrement();
            outstanding.incrementAndGet();
            sentAt[(int) (id & mask)] = System.nanoTime();
            current[0].req.onNext(
                ProposeRequest.newBuilder().setId(id).setData(payload[(int) (id % KEYS)]).build());
          }
        };
    Runnable retrySlot =
        () ->
            retry.schedule(
                () -> {
                  outstanding.decrementAndGet();
                  if (sending.get()) {
                    sendOne.run();
                  }
                },
                20,
                TimeUnit.MILLISECONDS);
    // opens a stream to sid; callers hold lock
    java.util.function.LongFunction<LoadStream> open =
        new java.util.function.LongFunction<>() {
          @Override
          public LoadStream apply(long sid) {
            StreamObserver<ProposeReply> replies =
                new StreamObserver<>() {
                  @Override
                  public void onNext(ProposeReply r) {
                    long now = System.nanoTime();
                    if (r.getError() == ProposeReply.Error.NONE) {
                      m.record(now - sentAt[(int) (r.getId() & mask)]);
                      outstanding.decrementAndGet();
                      if (sending.get()) {
                        sendOne.run();
                      }
                      return;
                    }
                    m.errors.incrementAndGet();
                    switch (r.getError()) {
                      case NOT_LEADER -> notLeader.incrementAndGet();
                      case OVERLOADED -> overloaded.incrementAndGet();
                      default -> otherErrors.incrementAndGet();
                    }
                    long hint = r.getLeaderHint();
                    if (r.getError() == ProposeReply.Error.NOT_LEADER
                        && hint > 0
                        && chans.containsKey(hint)) {
                      synchronized (lock) {
                        if (current[0].sid != hint) {
                          current[0].req.onCompleted();
                          current[0] = this_open(hint);
                          switches.incrementAndGet();
                        }
                      }
                    }
                    retrySlot.run();
                  }

                  @Override
                  public void onError(Throwable t) {
                    // the node went away: its unanswered slots are lost; refill them elsewhere
                    streamErrors.incrementAndGet();
                  }

                  @Override
                  public void onCompleted() {}
                };
            return new LoadStream(sid, ZabClientGrpc.newStub(chans.get(sid)).propose(replies));
          }

          private LoadStream this_open(long sid) {
            return apply(sid);
          }
        };

    // heap sampler: the current target's Status every heap-sample-ms
    int sampleMs = a.integer("heap-sample-ms", 200);
    List<long[]> heap = Collections.synchronizedList(new ArrayList<>()); // {tMillis, bytes}
    AtomicBoolean sampling = new AtomicBoolean(true);
    AtomicBoolean notLeading = new AtomicBoolean(false);
    AtomicLong firstEpoch = new AtomicLong(-1);
    AtomicLong lastEpoch = new AtomicLong(-1);
    long startNs = System.nanoTime();
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                try {
                  long sid;
                  synchronized (lock) {
                    sid = current[0].sid;
                  }
                  StatusReply s = status(chans.get(sid));
                  if (!s.getRole().equals("LEADING")) {
                    notLeading.set(true);
                  }
                  firstEpoch.compareAndSet(-1, s.getCurrentEpoch());
                  lastEpoch.set(s.getCurrentEpoch());
                  heap.add(
                      new long[] {
                        (System.nanoTime() - startNs) / 1_000_000, s.getHeapUsedBytes(),
                      });
                  Thread.sleep(sampleMs);
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  notLeading.set(true);
                }
              }
            },
            "heap-sampler");
    sampler.setDaemon(true);

    synchronized (lock) {
      current[0] = open.apply(firstTarget);
    }
    sampler.start();
    for (int i = 0; i < window; i++) {
      sendOne.run();
    }
    Thread.sleep(a.integer("warmup-s", 5) * 1000L);
    long measureStartMs = (System.nanoTime() - startNs) / 1_000_000;
    long switches0 = switches.get();
    m.begin();
    Thread.sleep(a.integer("duration-s", 15) * 1000L);
    m.end();
    long switchesInWindow = switches.get() - switches0;
    long measureEndMs = (System.nanoTime() - startNs) / 1_000_000;
    sending.set(false);
    sampling.set(false);
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
      Thread.sleep(5);
    }
    long finalTarget;
    synchronized (lock) {
      current[0].req.onCompleted();
      finalTarget = current[0].sid;
    }
    sampler.join(3000);

    m.print(prefix);
    Args.result(prefix, "window", window);
    Args.result(prefix, "not_leader", notLeader.get());
    Args.result(prefix, "overloaded", overloaded.get());
    Args.result(prefix, "other_errors", otherErrors.get());
    Args.result(prefix, "stream_errors", streamErrors.get());
    Args.result(prefix, "undrained", outstanding.get());
    Args.result(prefix, "first_leader", firstTarget);
    Args.result(prefix, "final_leader", finalTarget);
    Args.result(prefix, "leader_switches", switches.get());
    Args.result(prefix, "leader_switches_in_window", switchesInWindow);
    Args.result(prefix, "leader_role_changed", notLeading.get() || switches.get() > 0);
    // each new epoch is an election (the old leader re-elected, or another node)
    Args.result(prefix, "elections", lastEpoch.get() - firstEpoch.get());
    List<Long> inWindow = new ArrayList<>();
    List<Long> firstHalf = new ArrayList<>();
    List<Long> secondHalf = new ArrayList<>();
    long mid = (measureStartMs + measureEndMs) / 2;
    synchronized (heap) {
      for (long[] s : heap) {
        if (s[0] >= measureStartMs && s[0] <= measureEndMs) {
          inWindow.add(s[1]);
          (s[0] < mid ? firstHalf : secondHalf).add(s[1]);
        }
      }
    }
    if (!firstHalf.isEmpty() && !secondHalf.isEmpty()) {
      Collections.sort(inWindow);
      Args.result(prefix, "heap.samples", inWindow.size());
      Args.result(prefix, "heap.min_mb", mb(inWindow.get(0)));
      Args.result(prefix, "heap.median_mb", mb(inWindow.get(inWindow.size() / 2)));
      Args.result(prefix, "heap.max_mb", mb(inWindow.get(inWindow.size() - 1)));
      Args.result(prefix, "heap.first_half_max_mb", mb(Collections.max(firstHalf)));
      Args.result(prefix, "heap.second_half_max_mb", mb(Collections.max(secondHalf)));
      Args.result(prefix, "heap.first_half_min_mb", mb(Collections.min(firstHalf)));
      Args.result(prefix, "heap.second_half_min_mb", mb(Collections.min(secondHalf)));
    }
    retry.shutdownNow();
    chans.values().forEach(ManagedChannel::shutdownNow);
  }

  private static String mb(long bytes) {
    return String.format("%.1f", bytes / 1048576.0);
  }

  // ---- zab-failover ----

  /** One Propose stream with at most one request in flight. */
  private static final class Probe {
    final long sid;
    final ManagedChannel ch;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile long sentAt;
    volatile StreamObserver<ProposeRequest> req;
    volatile boolean broken;

    Probe(long sid, String hp) {
      this.sid = sid;
      this.ch = channel(hp);
    }
  }

  static void failover(Args a) throws Exception {
    String prefix = a.get("prefix", "zab.failover");
    Map<Long, String> nodes = a.idMap("nodes");
    Map<Long, String> pids = a.idMap("pids");
    int preMs = a.integer("pre-ms", 1500);
    int intervalMs = a.integer("interval-ms", 5);
    long timeoutNs = TimeUnit.SECONDS.toNanos(a.integer("timeout-s", 30));
    ByteString[] payload = payloads(a.integer("size", 1024));

    long leader = -1;
    long findDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (leader < 0 && System.nanoTime() < findDeadline) {
      for (Map.Entry<Long, String> e : nodes.entrySet()) {
        ManagedChannel c = channel(e.getValue());
        try {
          StatusReply s = status(c);
          if (s.getRole().equals("LEADING") && s.getEstablished()) {
            leader = s.getSid();
          }
        } catch (RuntimeException slow) {
          // a loaded machine: ask again
        } finally {
          c.shutdownNow();
        }
      }
      if (leader < 0) {
        Thread.sleep(100);
      }
    }
    if (leader < 0) {
      throw new IllegalStateException("no established leader");
    }
    AtomicLong killAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong firstCommitAt = new AtomicLong(0);
    AtomicLong newLeader = new AtomicLong(-1);
    AtomicLong committedBefore = new AtomicLong();
    AtomicLong ids = new AtomicLong();
    Map<Long, Probe> probes = new TreeMap<>();
    for (Map.Entry<Long, String> e : nodes.entrySet()) {
      Probe p = new Probe(e.getKey(), e.getValue());
      probes.put(e.getKey(), p);
      open(p, killAt, firstCommitAt, newLeader, committedBefore);
    }
    Probe lp = probes.get(leader);
    // light load on the leader: one write every interval-ms, one at a time
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(preMs);
    while (System.nanoTime() < end) {
      if (lp.busy.compareAndSet(false, true)) {
        send(lp, ids.getAndIncrement(), payload);
      }
      Thread.sleep(intervalMs);
    }
    long pid = Long.parseLong(pids.get(leader));
    ProcessHandle h =
        ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
    killAt.set(System.nanoTime());
    h.destroyForcibly(); // SIGKILL
    // every survivor gets a write whenever it has none in flight: the first commit ends the clock
    long deadline = killAt.get() + timeoutNs;
    while (firstCommitAt.get() == 0 && System.nanoTime() < deadline) {
      for (Probe p : probes.values()) {
        if (p.sid == leader) {
          continue;
        }
        if (p.broken) {
          // reopen a broken stream (should not happen to a survivor)
          p.broken = false;
          p.busy.set(false);
          open(p, killAt, firstCommitAt, newLeader, committedBefore);
        }
        if (p.busy.compareAndSet(false, true)) {
          send(p, ids.getAndIncrement(), payload);
        }
      }
      Thread.sleep(1);
    }
    long t1 = firstCommitAt.get();
    Args.result(prefix, "killed_sid", leader);
    Args.result(prefix, "killed_pid", pid);
    Args.result(prefix, "writes_before_kill", committedBefore.get());
    if (t1 == 0) {
      Args.result(prefix, "ms", "timeout");
    } else {
      Args.result(prefix, "ms", String.format("%.1f", (t1 - killAt.get()) / 1e6));
      Args.result(prefix, "new_leader", newLeader.get());
    }
    probes.values().forEach(p -> p.ch.shutdownNow());
  }

  private static void open(
      Probe p,
      AtomicLong killAt,
      AtomicLong firstCommitAt,
      AtomicLong newLeader,
      AtomicLong committedBefore) {
    p.req =
        ZabClientGrpc.newStub(p.ch)
            .propose(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ProposeReply r) {
                    long now = System.nanoTime();
                    if (r.getError() == ProposeReply.Error.NONE) {
                      if (p.sentAt > killAt.get()) {
                        if (firstCommitAt.compareAndSet(0, now)) {
                          newLeader.set(p.sid);
                        }
                      } else {
                        committedBefore.incrementAndGet();
                      }
                    }
                    p.busy.set(false);
                  }

                  @Override
                  public void onError(Throwable t) {
                    p.broken = true;
                    p.busy.set(false);
                  }

                  @Override
                  public void onCompleted() {
                    p.broken = true;
                  }
                });
  }

  private static void send(Probe p, long id, ByteString[] payload) {
    p.sentAt = System.nanoTime();
    try {
      p.req.onNext(
          ProposeRequest.newBuilder().setId(id).setData(payload[(int) (id % KEYS)]).build());
    } catch (RuntimeException e) {
      p.broken = true;
      p.busy.set(false);
    }
  }
}
