package io.zabtx.replication.runtime;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.replication.core.ZabConfig;
import io.zabtx.replication.core.Zxid;
import io.zabtx.replication.node.KeyValueStateMachine;
import io.zabtx.replication.storage.StorageOptions;
import io.zabtx.replication.transport.GrpcPeerTransport;
import io.zabtx.replication.transport.TransportConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An in-JVM ensemble of real {@link ZabNode}s: real gRPC on loopback (ephemeral ports, kept across
 * restarts), real files under a temp directory, a {@link KeyValueStateMachine} each.
 */
final class LocalCluster implements AutoCloseable {

  static final String CLUSTER_ID = "test-cluster";

  private final Path root;
  private final Set<Long> voters = new TreeSet<>();
  private final Map<Long, Integer> ports = new HashMap<>();
  private final Map<Long, ZabNode> nodes = new TreeMap<>();
  private final Map<Long, KeyValueStateMachine> machines = new TreeMap<>();
  private final Map<Long, SimpleMeterRegistry> registries = new HashMap<>();
  private final long snapshotEveryEntries;
  private final int logRetain;
  private int syncLimitTicks = 30;

  LocalCluster(Path root, int size, long snapshotEveryEntries, int logRetain) {
    this.root = root;
    this.snapshotEveryEntries = snapshotEveryEntries;
    this.logRetain = logRetain;
    for (long sid = 1; sid <= size; sid++) {
      voters.add(sid);
    }
  }

  /** Sets how many 10 ms ticks of silence leader and followers tolerate (default 30). */
  LocalCluster syncLimitTicks(int ticks) {
    this.syncLimitTicks = ticks;
    return this;
  }

  /** Starts every node: first all transports on ephemeral ports, then the nodes. */
  LocalCluster start() {
    for (long sid : voters) {
      start(sid);
    }
    return this;
  }

  /** Starts (or restarts) one node on its port and data directory. */
  void start(long sid) {
    if (nodes.containsKey(sid)) {
      throw new IllegalStateException("server " + sid + " is running");
    }
    Map<Long, InetSocketAddress> peers = new HashMap<>();
    ports.forEach((id, port) -> peers.put(id, new InetSocketAddress("127.0.0.1", port)));
    GrpcPeerTransport transport =
        new GrpcPeerTransport(
            TransportConfig.of(CLUSTER_ID, sid, "127.0.0.1", ports.getOrDefault(sid, 0), peers));
    ZabConfig protocol =
        ZabConfig.of(sid, voters, Set.of())
            .withTicks(5, 20, Math.max(200, syncLimitTicks * 2), syncLimitTicks, 5)
            .withLimits(10_000, 256, logRetain);
    ZabNodeConfig config =
        ZabNodeConfig.of(protocol, root.resolve("node-" + sid))
            .withTick(Duration.ofMillis(10))
            .withStorage(StorageOptions.defaults().withSegmentBytes(1 << 20))
            .withSnapshotEveryEntries(snapshotEveryEntries);
    KeyValueStateMachine sm = new KeyValueStateMachine();
    SimpleMeterRegistry registry = registries.computeIfAbsent(sid, k -> new SimpleMeterRegistry());
    OrderCheckingTransport checked = new OrderCheckingTransport(transport);
    checkers.add(checked);
    ZabNode node = ZabNode.create(config, sm, checked, registry);
    node.start();
    int port = node.peerPort();
    boolean newPort = !ports.containsKey(sid);
    ports.put(sid, port);
    nodes.put(sid, node);
    machines.put(sid, sm);
    if (newPort) {
      // Tell everyone started before about this node's ephemeral port, and it about theirs.
      for (Map.Entry<Long, ZabNode> e : nodes.entrySet()) {
        if (e.getKey() != sid) {
          transportOf(e.getKey()).setPeerAddress(sid, new InetSocketAddress("127.0.0.1", port));
        }
      }
    }
    transports.put(sid, transport);
  }

  private final Map<Long, GrpcPeerTransport> transports = new HashMap<>();
  private final List<OrderCheckingTransport> checkers = new ArrayList<>();

  /** Session messages any node's runtime handed its transport out of order (should be none). */
  List<String> sendOrderViolations() {
    List<String> all = new ArrayList<>();
    checkers.forEach(c -> all.addAll(c.violations()));
    return all;
  }

  private GrpcPeerTransport transportOf(long sid) {
    return transports.get(sid);
  }

  /** Stops one node (its fsynced state stays on disk, as after a crash at an fsync boundary). */
  void stop(long sid) {
    ZabNode n = nodes.remove(sid);
    if (n != null) {
      n.close();
    }
    transports.remove(sid);
  }

  ZabNode node(long sid) {
    return nodes.get(sid);
  }

  KeyValueStateMachine machine(long sid) {
    return machines.get(sid);
  }

  SimpleMeterRegistry registry(long sid) {
    return registries.get(sid);
  }

  Set<Long> running() {
    return nodes.keySet();
  }

  /** Waits for an established leader among the running nodes and returns its sid. */
  long awaitLeader() {
    long[] leader = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              for (ZabNode n : nodes.values()) {
                if (n.isEstablishedLeader()) {
                  leader[0] = n.sid();
                  return true;
                }
              }
              return false;
            });
    return leader[0];
  }

  /**
   * Writes {@code key} through whichever node leads, retrying on NotLeader and on a lost leadership
   * (a retried put is idempotent); returns the zxid it committed at.
   */
  Zxid put(String key, String value) {
    byte[] cmd = KeyValueStateMachine.put(key, value.getBytes());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      long leader = awaitLeader();
      ZabNode n = nodes.get(leader);
      if (n == null) {
        continue;
      }
      try {
        return n.propose(cmd).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | CompletionException e) {
        if (!(e.getCause() instanceof NotLeaderException
            || e.getCause() instanceof LeadershipLostException
            || e.getCause() instanceof OverloadedException
            || e.getCause() instanceof IllegalStateException)) {
          throw new AssertionError("put " + key + " failed", e);
        }
      } catch (TimeoutException e) {
        // the leader may have lost its quorum; try again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("put " + key + " did not commit within 30 s");
  }

  /** Waits until every running node applied the same entries in the same order. */
  void awaitConverged() {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              KeyValueStateMachine.Status first = null;
              for (long sid : nodes.keySet()) {
                KeyValueStateMachine.Status s = machines.get(sid).status();
                if (first == null) {
                  first = s;
                } else if (!first.equals(s)) {
                  return false;
                }
              }
              return first != null && first.count() > 0;
            });
  }

  /** How many SyncStart messages of {@code mode} node {@code sid} received. */
  double syncs(long sid, String mode) {
    var c = registries.get(sid).find("zab.sync").tag("mode", mode).counter();
    return c == null ? 0 : c.count();
  }

  /** Stops every node, then fails if any runtime sent session messages out of order. */
  @Override
  public void close() {
    for (long sid : Set.copyOf(nodes.keySet())) {
      stop(sid);
    }
    List<String> violations = sendOrderViolations();
    if (!violations.isEmpty()) {
      throw new AssertionError(
          violations.size() + " session messages left out of order, first: " + violations.get(0));
    }
  }
}
