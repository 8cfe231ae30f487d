package io.zabtx.participant.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.coordinator.cluster.CoordinatorCluster;
import io.zabtx.coordinator.testing.FakeParticipant;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's failover against a real 3-node cluster whose leader is stopped: the client moves to
 * the next address, waits out the election, and then answers what the cluster decided.
 */
class DtxClientFailoverTest {

  @TempDir Path dir;
  private CoordinatorCluster cluster;
  private FakeParticipant participant;

  @BeforeEach
  void start() {
    cluster = ClusterFixture.startCluster(dir, 3);
    participant = FakeParticipant.start();
  }

  @AfterEach
  void stop() {
    cluster.close();
    participant.close();
  }

  @Test
  void leaderStoppedTheClientFailsOverAndAnswersWhatTheClusterDecided() {
    long leader = cluster.awaitLeader(ClusterFixture.PATIENCE);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (DtxClient client =
        ClusterFixture.client(ClusterFixture.addresses(cluster, leader))
            .meterRegistry(meters)
            .build()) {
      String committed = client.begin(CommitProtocol.TWO_PHASE, Duration.ofSeconds(30));
      ClusterFixture.register(cluster, committed, participant);
      assertThat(client.commit(committed).isCommitted()).isTrue();
      String undecided = client.begin(CommitProtocol.TWO_PHASE, Duration.ofSeconds(30));
      ClusterFixture.register(cluster, undecided, participant);

      cluster.stop(leader);

      // Repeating a commit after the failover answers the decided outcome ...
      assertThat(client.commit(committed).isCommitted()).isTrue();
      // ... and one whose leader died before its commit point was logged is presumed aborted.
      assertThatThrownBy(() -> client.commit(undecided))
          .isInstanceOf(GlobalTransactionAbortedException.class)
          .hasMessageContaining("presumed abort");
      // The next transaction works on the new leader.
      String next = client.begin(CommitProtocol.THREE_PHASE, Duration.ofSeconds(30));
      ClusterFixture.register(cluster, next, participant);
      assertThat(client.commit(next).isCommitted()).isTrue();
      assertThat(client.status(next).outcome()).isEqualTo(TxOutcome.COMMIT);
      assertThat(cluster.awaitLeader(ClusterFixture.PATIENCE)).isNotEqualTo(leader);
      assertThat(meters.find("zabtx.client.retries").counters())
          .as("the stopped leader's address was left for another")
          .isNotEmpty();
    }
  }
}
