package io.zabtx.participant.client;

import static org.awaitility.Awaitility.await;

import io.zabtx.coordinator.cluster.CoordinatorCluster;
import io.zabtx.coordinator.testing.FakeParticipant;
import io.zabtx.protocol.v1.RegisterBranchRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Helpers for tests that run the client against a real in-JVM coordinator cluster. */
public final class ClusterFixture {

  public static final Duration PATIENCE = Duration.ofSeconds(30);

  private static CoordinatorCluster shared;

  private ClusterFixture() {}

  /**
   * Starts a cluster of {@code size} nodes and waits until every node is in an established epoch.
   */
  public static CoordinatorCluster startCluster(Path dir, int size) {
    CoordinatorCluster cluster = new CoordinatorCluster(dir, size).start();
    cluster.awaitLeader(PATIENCE);
    await()
        .atMost(PATIENCE)
        .until(() -> cluster.running().values().stream().allMatch(n -> n.zab().isEstablished()));
    return cluster;
  }

  /**
   * A one-node cluster shared by the template and annotation tests of this JVM (started once,
   * stopped at exit): they check what the template does, not failover.
   */
  public static synchronized CoordinatorCluster shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("zabtx-client-shared");
        shared = startCluster(dir, 1);
        CoordinatorCluster c = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(c::close, "shared-cluster-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** The gRPC client addresses of the running nodes, node {@code first} first. */
  public static List<String> addresses(CoordinatorCluster cluster, long first) {
    return cluster.running().values().stream()
        .sorted((a, b) -> Boolean.compare(b.id() == first, a.id() == first))
        .map(n -> "127.0.0.1:" + n.grpcPort())
        .toList();
  }

  /** Registers a branch of {@code participant} in {@code xid}, as the SDK's runtime would. */
  public static void register(CoordinatorCluster cluster, String xid, FakeParticipant participant) {
    long any = cluster.running().keySet().iterator().next();
    cluster
        .participantApi(any)
        .registerBranch(
            RegisterBranchRequest.newBuilder()
                .setXid(xid)
                .setEndpoint(participant.endpoint())
                .setResource("test/accounts")
                .build());
  }

  /** A client with test bounds: enough attempts to outlast a leader election. */
  public static DtxClient.Builder client(List<String> addresses) {
    return DtxClient.builder()
        .addresses(addresses)
        .callTimeout(Duration.ofSeconds(5))
        .maxAttempts(60)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500));
  }
}
