package io.zabtx.participant.runtime;

import io.zabtx.coordinator.cluster.CoordinatorCluster;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.Outcome;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.QueryOutcomeRequest;
import io.zabtx.protocol.v1.Transaction;
import io.zabtx.protocol.v1.TransactionServiceGrpc.TransactionServiceBlockingStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real 3-node coordinator cluster on loopback and the calls the runtime's tests make on it. */
final class ClusterFixture implements AutoCloseable {

  static final Duration PATIENCE = Duration.ofSeconds(20);

  final CoordinatorCluster cluster;
  final List<String> addresses = new ArrayList<>();

  ClusterFixture(Path dir) {
    cluster = new CoordinatorCluster(dir, 3).start();
    for (long id = 1; id <= 3; id++) {
      addresses.add("127.0.0.1:" + cluster.node(id).grpcPort());
    }
    cluster.awaitLeader(PATIENCE);
  }

  long leader() {
    return cluster.awaitLeader(PATIENCE);
  }

  /** The client API of some running node (followers forward to the leader). */
  TransactionServiceBlockingStub client() {
    long id = cluster.running().keySet().iterator().next();
    return cluster.client(id).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  String begin(Protocol protocol, long timeoutMillis) {
    return cluster
        .client(leader())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .begin(
            BeginRequest.newBuilder()
                .setProtocol(protocol)
                .setTimeoutMs(timeoutMillis)
                .setName("runtime test")
                .build())
        .getXid();
  }

  /** The leader's view of {@code xid} (a follower's may lag behind on branch states). */
  Transaction view(String xid) {
    return cluster
        .client(leader())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getTransaction(GetTransactionRequest.newBuilder().setXid(xid).build());
  }

  Outcome outcome(String xid) {
    long id = cluster.running().keySet().iterator().next();
    return cluster
        .participantApi(id)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .queryOutcome(QueryOutcomeRequest.newBuilder().setXid(xid).build())
        .getOutcome();
  }

  /** Stops every node, as if the whole cluster were unreachable. */
  void stopAll() {
    for (long id = 1; id <= 3; id++) {
      cluster.stop(id);
    }
  }

  /** Starts every stopped node again (same ports, same data) and waits for a leader. */
  void startAll() {
    for (long id = 1; id <= 3; id++) {
      if (cluster.node(id) == null) {
        cluster.start(id);
      }
    }
    leader();
  }

  @Override
  public void close() {
    cluster.close();
  }
}
