package io.zabtx.participant.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.coordinator.cluster.CoordinatorCluster;
import io.zabtx.coordinator.cluster.FreePorts;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.testing.FakeParticipant;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link DtxClient} against a real 3-node coordinator cluster (ZAB over loopback gRPC): every
 * operation, the coordinator's error codes as {@link DtxException}s, and addresses that are all
 * down.
 */
class DtxClientTest {

  @TempDir static Path dir;
  private static CoordinatorCluster cluster;
  private static FakeParticipant yes;
  private static FakeParticipant no;
  private static SimpleMeterRegistry meters;
  private static DtxClient client;

  @BeforeAll
  static void start() {
    cluster = ClusterFixture.startCluster(dir, 3);
    yes = FakeParticipant.start();
    no = FakeParticipant.start().voteByDefault(Vote.NO, "insufficient funds");
    meters = new SimpleMeterRegistry();
    long follower = cluster.anyOtherThan(cluster.awaitLeader(ClusterFixture.PATIENCE));
    client =
        ClusterFixture.client(ClusterFixture.addresses(cluster, follower))
            .meterRegistry(meters)
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    yes.close();
    no.close();
    cluster.close();
  }

  @ParameterizedTest
  @EnumSource(CommitProtocol.class)
  void beginStatusCommitThroughAFollower(CommitProtocol protocol) {
    String xid = client.begin(protocol, Duration.ofSeconds(30), "transfer");
    TransactionInfo begun = client.status(xid);
    assertThat(begun.status()).isEqualTo(TxStatus.ACTIVE);
    assertThat(begun.outcome()).isEqualTo(TxOutcome.UNDECIDED);
    assertThat(begun.protocol()).isEqualTo(protocol);
    assertThat(begun.name()).isEqualTo("transfer");
    assertThat(Duration.between(begun.begunAt(), begun.deadline()))
        .isEqualTo(Duration.ofSeconds(30));
    ClusterFixture.register(cluster, xid, yes);

    assertThat(client.commit(xid)).isIn(TxStatus.COMMITTING, TxStatus.COMMITTED);

    await()
        .atMost(ClusterFixture.PATIENCE)
        .until(() -> client.status(xid).status() == TxStatus.COMMITTED);
    TransactionInfo done = client.status(xid);
    assertThat(done.outcome()).isEqualTo(TxOutcome.COMMIT);
    assertThat(done.branches())
        .singleElement()
        .satisfies(b -> assertThat(b.state()).isEqualTo(BranchStatus.COMMITTED));
    assertThat(done.timeline()).extracting(TransactionInfo.PhaseEvent::phase).contains("BEGUN");
    assertThat(client.commit(xid)).as("commit is idempotent").isEqualTo(TxStatus.COMMITTED);
  }

  @Test
  void rollbackIsIdempotentAndALaterCommitSaysTheWorkDidNotHappen() {
    String xid = client.begin(CommitProtocol.TWO_PHASE, Duration.ofSeconds(30));
    ClusterFixture.register(cluster, xid, yes);

    assertThat(client.rollback(xid)).isIn(TxStatus.ABORTING, TxStatus.ABORTED);
    assertThat(client.rollback(xid)).isIn(TxStatus.ABORTING, TxStatus.ABORTED);

    assertThat(client.status(xid).outcome()).isEqualTo(TxOutcome.ABORT);
    assertThatThrownBy(() -> client.commit(xid))
        .isInstanceOfSatisfying(
            GlobalTransactionAbortedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(DtxErrorCode.TX_ABORTED);
              assertThat(e.xid()).isEqualTo(xid);
              assertThat(e.getMessage()).contains(xid, "none of its work is committed");
            });
  }

  @Test
  void aNoVoteMakesCommitThrowAbortedWithTheReason() {
    String xid = client.begin(CommitProtocol.TWO_PHASE, Duration.ofSeconds(30));
    ClusterFixture.register(cluster, xid, yes);
    ClusterFixture.register(cluster, xid, no);

    assertThatThrownBy(() -> client.commit(xid))
        .isInstanceOf(GlobalTransactionAbortedException.class)
        .hasMessageContaining("insufficient funds");
    assertThat(client.status(xid).abortReason()).contains("insufficient funds");
  }

  @Test
  void rollingBackACommittedTransactionIsRefused() {
    String xid = client.begin(CommitProtocol.TWO_PHASE, Duration.ofSeconds(30));
    client.commit(xid);

    assertThatThrownBy(() -> client.rollback(xid))
        .isInstanceOfSatisfying(
            DtxException.class, e -> assertThat(e.code()).isEqualTo(DtxErrorCode.TX_COMMITTED))
        .hasMessageContaining("cannot be rolled back");
  }

  @Test
  void unknownAndMalformedXidsAndBadTimeoutsAreRefusedWithoutRetrying() {
    double retriesBefore = retries();
    long epoch = cluster.node(cluster.awaitLeader(ClusterFixture.PATIENCE)).runtime().epoch();
    String never = epoch + "-999999";

    assertThatThrownBy(() -> client.status(never))
        .isInstanceOfSatisfying(
            DtxException.class, e -> assertThat(e.code()).isEqualTo(DtxErrorCode.NOT_FOUND))
        .hasMessageContaining(never);
    assertThatThrownBy(() -> client.commit(never))
        .isInstanceOfSatisfying(
            DtxException.class, e -> assertThat(e.code()).isEqualTo(DtxErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> client.commit("1-2-3"))
        .isInstanceOfSatisfying(
            DtxException.class, e -> assertThat(e.code()).isEqualTo(DtxErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("'1-2-3' is not an xid");
    assertThatThrownBy(() -> client.begin(CommitProtocol.TWO_PHASE, Duration.ofDays(1)))
        .isInstanceOfSatisfying(
            DtxException.class, e -> assertThat(e.code()).isEqualTo(DtxErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("timeout");
    assertThat(retries()).isEqualTo(retriesBefore);
  }

  @Test
  void everyCoordinatorErrorCodeIsKnownToTheClient() {
    List<String> sdk = Arrays.stream(DtxErrorCode.values()).map(Enum::name).toList();
    assertThat(sdk).containsAll(Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
  }

  @Test
  void whenEveryAddressIsDownTheErrorNamesThemAndAttemptsAreBounded() {
    List<String> down = List.of("127.0.0.1:" + FreePorts.next(), "127.0.0.1:" + FreePorts.next());
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    try (DtxClient dead =
        DtxClient.builder()
            .addresses(down)
            .maxAttempts(4)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(20))
            .meterRegistry(own)
            .build()) {
      assertThatThrownBy(() -> dead.begin(CommitProtocol.TWO_PHASE, Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              DtxException.class, e -> assertThat(e.code()).isEqualTo(DtxErrorCode.UNREACHABLE))
          .hasMessageContaining("after 4 attempts")
          .hasMessageContaining(down.get(0))
          .hasMessageContaining(down.get(1))
          .hasMessageContaining("Check that the coordinators run");
      assertThatThrownBy(() -> dead.commit("1-1"))
          .isInstanceOfSatisfying(
              DtxException.class, e -> assertThat(e.code()).isEqualTo(DtxErrorCode.OUTCOME_UNKNOWN))
          .hasMessageContaining(down.get(0))
          .hasMessageContaining("Ask status(1-1)");
      assertThat(own.get("zabtx.client.retries").tag("operation", "begin").counter().count())
          .isEqualTo(3);
    }
  }

  @Test
  void theBuilderNamesWhatIsWrong() {
    assertThatThrownBy(() -> DtxClient.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no coordinator address");
    assertThatThrownBy(() -> DtxClient.builder().addresses("coordinator-0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'coordinator-0' is not host:port");
    assertThatThrownBy(() -> DtxClient.builder().addresses("::1:9090"))
        .hasMessageContaining("[::1]:9090");
    assertThatThrownBy(() -> DtxClient.builder().addresses("h:1").maxAttempts(0).build())
        .hasMessageContaining("maxAttempts");
  }

  private static double retries() {
    return meters.find("zabtx.client.retries").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
