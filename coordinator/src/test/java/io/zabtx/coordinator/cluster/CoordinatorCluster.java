package io.zabtx.coordinator.cluster;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.coordinator.config.ClusterLayout;
import io.zabtx.coordinator.config.Member;
import io.zabtx.coordinator.engine.EngineConfig;
import io.zabtx.coordinator.runtime.CoordinatorNode;
import io.zabtx.coordinator.runtime.NodeOptions;
import io.zabtx.protocol.v1.CoordinatorServiceGrpc;
import io.zabtx.protocol.v1.TransactionServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * An in-JVM coordinator cluster: real {@link CoordinatorNode}s with real ZAB over gRPC on loopback,
 * real files under a temp directory, and a gRPC client channel to each node. Nodes can be stopped
 * (their connections close, as when a process dies) and restarted on the same ports and data.
 */
public final class CoordinatorCluster implements AutoCloseable {

  private final Path root;
  private final Map<Long, Member> members = new LinkedHashMap<>();
  private final Map<Long, CoordinatorNode> nodes = new TreeMap<>();
  private final Map<Long, ManagedChannel> channels = new TreeMap<>();
  private UnaryOperator<EngineConfig> engineTweak = UnaryOperator.identity();

  public CoordinatorCluster(Path root, int size) {
    this.root = root;
    for (long id = 1; id <= size; id++) {
      members.put(id, new Member(id, "127.0.0.1", FreePorts.next(), FreePorts.next(), 0));
    }
  }

  /** Changes the engine configuration of every node started from now on. */
  public CoordinatorCluster engine(UnaryOperator<EngineConfig> tweak) {
    this.engineTweak = tweak;
    return this;
  }

  /** Test defaults: short timeouts so that failure paths finish within a test's patience. */
  public static EngineConfig testEngineConfig() {
    return new EngineConfig(
        10_000, 60_000, 3_000, 1_000, 20, 500, 3, 1_000, 16, 10_000, 100, 2, 60_000, 1_000, 50,
        100_000);
  }

  public CoordinatorCluster start() {
    members.keySet().forEach(this::start);
    return this;
  }

  /** Starts (or restarts) node {@code id}. */
  public CoordinatorNode start(long id) {
    if (nodes.containsKey(id)) {
      throw new IllegalStateException("node " + id + " is running");
    }
    ClusterLayout layout = new ClusterLayout(members.get(id), members, root.resolve("node-" + id));
    NodeOptions options =
        NodeOptions.defaults(layout)
            .withBindHost("127.0.0.1")
            .withSegmentBytes(1 << 20)
            .withEngine(engineTweak.apply(testEngineConfig()));
    CoordinatorNode node =
        CoordinatorNode.start(options, new SimpleMeterRegistry(), System::currentTimeMillis);
    nodes.put(id, node);
    return node;
  }

  /** Stops node {@code id} (closes its connections, like a process that died). */
  public void stop(long id) {
    CoordinatorNode n = nodes.remove(id);
    if (n != null) {
      n.close();
    }
  }

  public CoordinatorNode node(long id) {
    return nodes.get(id);
  }

  public Map<Long, CoordinatorNode> running() {
    return nodes;
  }

  /** Waits for an engine that leads and returns its node id. */
  public long awaitLeader(Duration timeout) {
    long[] found = new long[1];
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              for (CoordinatorNode n : nodes.values()) {
                if (n.runtime().isLeader()) {
                  found[0] = n.id();
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  /** Some running node other than {@code id}. */
  public long anyOtherThan(long id) {
    return nodes.keySet().stream().filter(k -> k != id).findFirst().orElseThrow();
  }

  /** {@code 127.0.0.1:<grpcPort>} of node {@code id}, running or not. */
  public String grpcAddress(long id) {
    return "127.0.0.1:" + members.get(id).grpcPort();
  }

  /** The gRPC addresses of every member, in id order: what clients and participants are given. */
  public java.util.List<String> grpcAddresses() {
    return members.keySet().stream().sorted().map(this::grpcAddress).toList();
  }

  public TransactionServiceGrpc.TransactionServiceBlockingStub client(long id) {
    return TransactionServiceGrpc.newBlockingStub(channel(id));
  }

  public CoordinatorServiceGrpc.CoordinatorServiceBlockingStub participantApi(long id) {
    return CoordinatorServiceGrpc.newBlockingStub(channel(id));
  }

  private ManagedChannel channel(long id) {
    return channels.computeIfAbsent(
        id,
        k ->
            NettyChannelBuilder.forAddress("127.0.0.1", members.get(k).grpcPort())
                .usePlaintext()
                .build());
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    nodes.values().forEach(CoordinatorNode::close);
    nodes.clear();
  }
}
