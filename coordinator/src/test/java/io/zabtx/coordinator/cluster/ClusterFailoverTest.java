package io.zabtx.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.testing.FakeParticipant;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.BranchState;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.CommitResponse;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.Outcome;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.QueryOutcomeRequest;
import io.zabtx.protocol.v1.RegisterBranchRequest;
import io.zabtx.protocol.v1.TransactionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A 3-node coordinator cluster in one JVM (real ZAB over gRPC on loopback, real files) with two
 * participant doubles (real gRPC servers). The leader is stopped at each step of a transaction;
 * every time, each branch ends with one outcome, every node answers that outcome, and the client's
 * answer matches it.
 */
class ClusterFailoverTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private CoordinatorCluster cluster;
  private FakeParticipant a;
  private FakeParticipant b;

  @BeforeEach
  void start() {
    cluster = new CoordinatorCluster(dir, 3).start();
    a = FakeParticipant.start();
    b = FakeParticipant.start();
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    a.close();
    b.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = Protocol.class,
      names = {"TWO_PHASE", "THREE_PHASE"})
  void aCallerMayUseAnyNodeFollowersForwardToTheLeader(Protocol protocol) {
    long leader = cluster.awaitLeader(PATIENCE);
    long follower = cluster.anyOtherThan(leader);
    // Followers report themselves in an established epoch (readiness depends on it).
    await()
        .atMost(PATIENCE)
        .until(() -> cluster.running().values().stream().allMatch(n -> n.zab().isEstablished()));
    String xid = begin(follower, protocol);
    register(cluster.anyOtherThan(follower), xid);
    CommitResponse r =
        cluster
            .client(follower)
            .commit(CommitRequest.newBuilder().setXid(xid).setWaitForCompletion(true).build());
    assertThat(r.getStatus()).isEqualTo(TransactionStatus.COMMITTED);
    assertBranches(xid, BranchState.BRANCH_COMMITTED);
    assertEveryNodeAnswers(xid, Outcome.COMMIT);
    if (protocol == Protocol.THREE_PHASE) {
      assertThat(a.callCount(Phase.PRE_COMMIT)).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Protocol.class,
      names = {"TWO_PHASE", "THREE_PHASE"})
  void leaderStoppedAfterBeginTheTransactionIsAbortedEverywhere(Protocol protocol) {
    long leader = cluster.awaitLeader(PATIENCE);
    String xid = begin(leader, protocol);
    register(leader, xid);
    cluster.stop(leader);
    long next = cluster.awaitLeader(PATIENCE);
    assertThat(next).isNotEqualTo(leader);
    // Presumed abort: no commit point for an xid of the old epoch, so the commit is refused.
    assertThatThrownBy(() -> commit(next, xid))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
    assertEveryNodeAnswers(xid, Outcome.ABORT);
  }

  @ParameterizedTest
  @EnumSource(
      value = Protocol.class,
      names = {"TWO_PHASE", "THREE_PHASE"})
  void leaderStoppedWhileVotesAreOutNothingIsDecidedSoItAborts(Protocol protocol) {
    Phase vote = protocol == Protocol.TWO_PHASE ? Phase.PREPARE : Phase.CAN_COMMIT;
    b.hang(vote);
    long leader = cluster.awaitLeader(PATIENCE);
    String xid = begin(leader, protocol);
    register(leader, xid);
    CompletableFuture<CommitResponse> answer =
        CompletableFuture.supplyAsync(() -> commit(leader, xid));
    a.awaitCalls(vote, 1, PATIENCE);
    b.awaitHung(1, PATIENCE);
    cluster.stop(leader);
    b.release();
    assertThat(answer)
        .failsWithin(PATIENCE)
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            // The stopped node's server cancels the call, or its engine answers "outcome unknown".
            e ->
                assertThat(e.getStatus().getCode())
                    .isIn(Status.Code.UNAVAILABLE, Status.Code.CANCELLED));
    long next = cluster.awaitLeader(PATIENCE);
    assertThatThrownBy(() -> commit(next, xid))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
    assertEveryNodeAnswers(xid, Outcome.ABORT);
    assertThat(a.conflicts()).isEmpty();
    assertThat(b.conflicts()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = Protocol.class,
      names = {"TWO_PHASE", "THREE_PHASE"})
  void leaderStoppedRightAfterTheCommitPointIsLoggedTheNextLeaderFinishesPhaseTwo(
      Protocol protocol) {
    Phase firstPhase2 = protocol == Protocol.TWO_PHASE ? Phase.COMMIT : Phase.PRE_COMMIT;
    a.hang(firstPhase2);
    b.hang(firstPhase2);
    long leader = cluster.awaitLeader(PATIENCE);
    String xid = begin(leader, protocol);
    register(leader, xid);
    CommitResponse r = commit(leader, xid);
    assertThat(r.getStatus()).isEqualTo(TransactionStatus.COMMITTING);
    a.awaitHung(1, PATIENCE);
    b.awaitHung(1, PATIENCE);
    cluster.stop(leader);
    a.release();
    b.release();
    long next = cluster.awaitLeader(PATIENCE);
    assertThat(next).isNotEqualTo(leader);
    // The new leader resends phase 2 from its start: each branch hears the first phase-2
    // message again (once from each leader at least) and ends committed.
    a.awaitCalls(firstPhase2, 2, PATIENCE);
    b.awaitCalls(firstPhase2, 2, PATIENCE);
    assertBranches(xid, BranchState.BRANCH_COMMITTED);
    assertEveryNodeAnswers(xid, Outcome.COMMIT);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(
                        cluster
                            .client(next)
                            .getTransaction(GetTransactionRequest.newBuilder().setXid(xid).build())
                            .getStatus())
                    .isEqualTo(TransactionStatus.COMMITTED));
    // Idempotent: the client asking again gets the same outcome from the new leader.
    assertThat(commit(next, xid).getStatus()).isIn(TransactionStatus.COMMITTED);
  }

  @ParameterizedTest
  @EnumSource(
      value = Protocol.class,
      names = {"TWO_PHASE", "THREE_PHASE"})
  void leaderStoppedDuringPhaseTwoTheNextLeaderCompletesIt(Protocol protocol) {
    b.hang(Phase.COMMIT);
    long leader = cluster.awaitLeader(PATIENCE);
    String xid = begin(leader, protocol);
    register(leader, xid);
    assertThat(commit(leader, xid).getStatus())
        .isIn(TransactionStatus.COMMITTING, TransactionStatus.COMMITTED);
    a.awaitCalls(Phase.COMMIT, 1, PATIENCE);
    b.awaitHung(1, PATIENCE);
    cluster.stop(leader);
    b.release();
    cluster.awaitLeader(PATIENCE);
    b.awaitCalls(Phase.COMMIT, 2, PATIENCE);
    assertBranches(xid, BranchState.BRANCH_COMMITTED);
    assertEveryNodeAnswers(xid, Outcome.COMMIT);
  }

  // ---- helpers ----

  private String begin(long node, Protocol protocol) {
    return cluster
        .client(node)
        .begin(BeginRequest.newBuilder().setProtocol(protocol).setTimeoutMs(20_000).build())
        .getXid();
  }

  private void register(long node, String xid) {
    for (FakeParticipant p : List.of(a, b)) {
      cluster
          .participantApi(node)
          .registerBranch(
              RegisterBranchRequest.newBuilder()
                  .setXid(xid)
                  .setEndpoint(p.endpoint())
                  .setResource(p == a ? "a/accounts" : "b/accounts")
                  .build());
    }
  }

  private CommitResponse commit(long node, String xid) {
    return cluster.client(node).commit(CommitRequest.newBuilder().setXid(xid).build());
  }

  private void assertBranches(String xid, BranchState expected) {
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(a.branchState(xid, 1)).isEqualTo(expected);
              assertThat(b.branchState(xid, 2)).isEqualTo(expected);
            });
    assertThat(a.conflicts()).isEmpty();
    assertThat(b.conflicts()).isEmpty();
  }

  /** Every running node answers QueryOutcome with {@code expected} (followers may forward). */
  private void assertEveryNodeAnswers(String xid, Outcome expected) {
    for (long id : cluster.running().keySet()) {
      await()
          .atMost(PATIENCE)
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(
                          cluster
                              .participantApi(id)
                              .queryOutcome(QueryOutcomeRequest.newBuilder().setXid(xid).build())
                              .getOutcome())
                      .isEqualTo(expected));
    }
  }
}
