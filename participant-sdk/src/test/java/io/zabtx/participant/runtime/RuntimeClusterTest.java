package io.zabtx.participant.runtime;

import static io.zabtx.protocol.v1.BranchState.BRANCH_ABORTED;
import static io.zabtx.protocol.v1.BranchState.BRANCH_COMMITTED;
import static io.zabtx.protocol.v1.BranchState.PRECOMMITTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.zabtx.coordinator.cluster.FreePorts;
import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchProtocol;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.jdbc.BranchTicket;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.CommitResponse;
import io.zabtx.protocol.v1.Outcome;
import io.zabtx.protocol.v1.PhaseRequest;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.RollbackRequest;
import io.zabtx.protocol.v1.Transaction;
import io.zabtx.protocol.v1.TransactionStatus;
import io.zabtx.protocol.v1.Vote;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The participant runtime against a real 3-node coordinator cluster (one for the class, no node
 * stopped) and its own real gRPC endpoint: 2PC and 3PC driven by the coordinator, phase messages
 * sent directly (duplicates, late and reordered ones, invalid ones), abort before work, shared
 * registration, a store that fails, and a participant restarted on the same store. The
 * participant's address list starts with a dead address, so every cluster call also exercises
 * failover.
 */
class RuntimeClusterTest {

  @TempDir static Path dir;
  private static ClusterFixture fx;
  private static List<String> addresses;
  private InMemoryBranchStore store;
  private TestParticipant p;

  @BeforeAll
  static void cluster() {
    fx = new ClusterFixture(dir);
    addresses = new ArrayList<>();
    addresses.add("127.0.0.1:" + FreePorts.next()); // nothing listens there
    addresses.addAll(fx.addresses);
  }

  @AfterAll
  static void stopCluster() {
    fx.close();
  }

  @BeforeEach
  void participant() throws SQLException {
    store = new InMemoryBranchStore();
    p = new TestParticipant(store, addresses);
  }

  @AfterEach
  void closeParticipant() {
    p.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = Protocol.class,
      names = {"TWO_PHASE", "THREE_PHASE"})
  void theCoordinatorCommitsTheBranch(Protocol protocol) throws SQLException {
    String xid = fx.begin(protocol, 30_000);
    BranchTicket t = p.work(xid);
    assertThat(t.protocol()).isEqualTo(WireMapping.protocol(protocol));

    CommitResponse r =
        fx.client()
            .commit(CommitRequest.newBuilder().setXid(xid).setWaitForCompletion(true).build());

    assertThat(r.getStatus()).isEqualTo(TransactionStatus.COMMITTED);
    assertThat(store.state(t.key())).contains(BranchState.COMMITTED);
    assertThat(fx.outcome(xid)).isEqualTo(Outcome.COMMIT);
    Transaction view = fx.view(xid);
    assertThat(view.getBranchesList()).hasSize(1);
    assertThat(view.getBranches(0).getState()).isEqualTo(BRANCH_COMMITTED);
    assertThat(view.getBranches(0).getEndpoint()).isEqualTo(p.server.advertisedEndpoint());
    assertThat(view.getBranches(0).getResource()).isEqualTo("test/accounts");
  }

  @ParameterizedTest
  @EnumSource(
      value = Protocol.class,
      names = {"TWO_PHASE", "THREE_PHASE"})
  void theCoordinatorRollsTheBranchBack(Protocol protocol) throws SQLException {
    String xid = fx.begin(protocol, 30_000);
    BranchTicket t = p.work(xid);

    fx.client().rollback(RollbackRequest.newBuilder().setXid(xid).build());

    await()
        .atMost(ClusterFixture.PATIENCE)
        .until(() -> store.state(t.key()).orElseThrow() == BranchState.ABORTED);
    await()
        .atMost(ClusterFixture.PATIENCE)
        .untilAsserted(
            () -> {
              Transaction view = fx.view(xid);
              assertThat(view.getStatus()).isEqualTo(TransactionStatus.ABORTED);
              assertThat(view.getBranches(0).getState()).isEqualTo(BRANCH_ABORTED);
            });
    assertThat(fx.outcome(xid)).isEqualTo(Outcome.ABORT);
  }

  @Test
  void aDirtyWriteFoundOnRollbackIsAHazardReportedToTheCoordinator() throws SQLException {
    String xid = fx.begin(Protocol.TWO_PHASE, 30_000);
    BranchTicket t = p.work(xid);
    store.dirtyWriteOn(t.key());

    fx.client().rollback(RollbackRequest.newBuilder().setXid(xid).build());

    await()
        .atMost(ClusterFixture.PATIENCE)
        .until(() -> store.state(t.key()).orElseThrow() == BranchState.HEURISTIC_HAZARD);
    await()
        .atMost(ClusterFixture.PATIENCE)
        .untilAsserted(
            () -> {
              Transaction view = fx.view(xid);
              assertThat(view.getBranches(0).getState())
                  .isEqualTo(io.zabtx.protocol.v1.BranchState.HEURISTIC_HAZARD);
              assertThat(view.getTimelineList())
                  .anyMatch(
                      e ->
                          e.getPhase().equals("HEURISTIC_REPORTED")
                              && e.getDetail().contains("accounts"));
            });
    assertThat(p.counter("zabtx.participant.heuristics", "state", "heuristic_hazard")).isEqualTo(1);
  }

  @Test
  void duplicateLateAndReorderedTwoPhaseMessagesAreAnsweredFromTheBranchRow() {
    BranchKey key = localWork("900-1", BranchProtocol.TWO_PC);
    PhaseRequest req = request(key, Protocol.TWO_PHASE);

    assertThat(p.direct().prepare(req).getVote()).isEqualTo(Vote.YES);
    assertThat(store.state(key)).contains(BranchState.PREPARED);
    assertThat(p.direct().prepare(req).getVote()).isEqualTo(Vote.YES);
    assertThat(p.direct().commit(req).getState()).isEqualTo(BRANCH_COMMITTED);
    assertThat(store.state(key)).contains(BranchState.COMMITTED);
    assertThat(p.direct().commit(req).getState()).isEqualTo(BRANCH_COMMITTED);
    // Late messages of an earlier phase, and a stray abort, change nothing.
    assertThat(p.direct().prepare(req).getVote()).isEqualTo(Vote.YES);
    assertThat(p.direct().abort(req).getState()).isEqualTo(BRANCH_COMMITTED);
    assertThat(store.state(key)).contains(BranchState.COMMITTED);
    assertThat(store.calls()).filteredOn(c -> c.startsWith("commit")).hasSize(1);
  }

  @Test
  void reorderedThreePhaseMessagesAreRejectedRetryablyUntilTheyFit() {
    BranchKey key = localWork("900-2", BranchProtocol.THREE_PC);
    PhaseRequest req = request(key, Protocol.THREE_PHASE);

    assertRejected(() -> p.direct().preCommit(req), Status.Code.ABORTED, "before any YES vote");
    assertThat(store.state(key)).contains(BranchState.ACTIVE);
    assertThat(p.direct().canCommit(req).getVote()).isEqualTo(Vote.YES);
    assertThat(store.state(key)).contains(BranchState.READY);
    assertThat(p.direct().preCommit(req).getState()).isEqualTo(PRECOMMITTED);
    assertThat(p.direct().preCommit(req).getState()).isEqualTo(PRECOMMITTED);
    assertRejected(() -> p.direct().abort(req), Status.Code.ABORTED, "commit point is logged");
    assertThat(store.state(key)).contains(BranchState.PRECOMMITTED);
    assertThat(p.direct().commit(req).getState()).isEqualTo(BRANCH_COMMITTED);
    assertThat(p.direct().canCommit(req).getVote()).isEqualTo(Vote.YES);
    // Phase 2 for a branch that never did work is refused, and leaves no row.
    PhaseRequest unknown = request(new BranchKey("900-3", 1), Protocol.THREE_PHASE);
    assertRejected(() -> p.direct().commit(unknown), Status.Code.ABORTED, "unknown branch");
    assertThat(store.state(new BranchKey("900-3", 1))).isEmpty();
    assertThat(
            p.counter(
                "zabtx.participant.phase.messages", "phase", "pre_commit", "result", "reject"))
        .isEqualTo(1);
  }

  @Test
  void malformedPhaseMessagesAreInvalidArgumentsThatSayWhatIsWrong() {
    PhaseRequest good = request(new BranchKey("900-4", 1), Protocol.TWO_PHASE);
    assertRejected(
        () -> p.direct().prepare(good.toBuilder().setXid("abc").build()),
        Status.Code.INVALID_ARGUMENT,
        "malformed xid 'abc'");
    assertRejected(
        () -> p.direct().prepare(good.toBuilder().setBranchId(0).build()),
        Status.Code.INVALID_ARGUMENT,
        "branch_id must be positive");
    assertRejected(
        () -> p.direct().abort(good.toBuilder().clearProtocol().build()),
        Status.Code.INVALID_ARGUMENT,
        "protocol must be TWO_PHASE or THREE_PHASE");
    assertRejected(
        () -> p.direct().prepare(good.toBuilder().setProtocol(Protocol.THREE_PHASE).build()),
        Status.Code.INVALID_ARGUMENT,
        "is a message of TWO_PHASE");
    assertRejected(
        () -> p.direct().canCommit(good),
        Status.Code.INVALID_ARGUMENT,
        "is a message of THREE_PHASE");
    assertThat(store.calls()).isEmpty();
    assertThat(p.counter("zabtx.participant.phase.messages", "result", "invalid")).isEqualTo(1);
  }

  @Test
  void anAbortBeforeTheWorkLeavesATombstoneAndTheLateWorkIsRefused() {
    String xid = fx.begin(Protocol.TWO_PHASE, 30_000);
    PhaseRequest abort = request(new BranchKey(xid, 1), Protocol.TWO_PHASE);

    assertThat(p.direct().abort(abort).getState()).isEqualTo(BRANCH_ABORTED);
    assertThat(store.state(new BranchKey(xid, 1))).contains(BranchState.ABORTED);

    assertThatThrownBy(() -> p.work(xid))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining(xid)
        .hasMessageContaining("ABORTED")
        .hasMessageContaining("work refused");
    assertThat(store.calls()).noneMatch(c -> c.startsWith("work"));
    assertThat(p.direct().prepare(abort).getVote()).isEqualTo(Vote.NO);
  }

  @Test
  void concurrentFirstWritesOfOneXidShareOneRegistration() throws Exception {
    String xid = fx.begin(Protocol.TWO_PHASE, 30_000);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<BranchTicket>> enlisted =
        IntStream.range(0, 8)
            .mapToObj(
                i ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          try {
                            go.await();
                            return p.runtime.enlist(xid);
                          } catch (Exception e) {
                            throw new IllegalStateException(e);
                          }
                        }))
            .toList();
    go.countDown();

    List<BranchTicket> tickets = new ArrayList<>();
    for (CompletableFuture<BranchTicket> f : enlisted) {
      tickets.add(f.get());
    }
    assertThat(tickets).allMatch(t -> t.equals(tickets.get(0)));
    assertThat(fx.view(xid).getBranchesList()).hasSize(1);
    assertThat(
            p.counter(
                "zabtx.participant.coordinator.calls", "call", "RegisterBranch", "result", "ok"))
        .isEqualTo(1);
  }

  @Test
  void enlistingInADecidedTransactionFailsWithTheCoordinatorsReason() {
    String xid = fx.begin(Protocol.TWO_PHASE, 30_000);
    fx.client().rollback(RollbackRequest.newBuilder().setXid(xid).build());

    assertThatThrownBy(() -> p.runtime.enlist(xid))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining(xid)
        .hasMessageContaining("FAILED_PRECONDITION (NOT_ACTIVE)")
        .hasMessageContaining("roll back your local work")
        .hasCauseInstanceOf(CoordinatorCallException.class);
    assertThatThrownBy(() -> p.runtime.enlist("not-an-xid"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("malformed xid 'not-an-xid'");
  }

  @Test
  void theClientFailsOverAndNamesEveryAddressWhenNoneAnswers() throws Exception {
    String dead1 = "127.0.0.1:" + FreePorts.next();
    String dead2 = "127.0.0.1:" + FreePorts.next();
    try (CoordinatorClient none = CoordinatorClient.builder(List.of(dead1, dead2)).build()) {
      assertThatThrownBy(() -> none.queryOutcome("5-5", 1))
          .isInstanceOfSatisfying(
              CoordinatorCallException.class,
              e -> {
                assertThat(e.definitive()).isFalse();
                assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.tried()).containsExactly(dead1, dead2, dead1, dead2);
                assertThat(e.getMessage()).contains("QueryOutcome", "5-5", dead1, dead2);
              });
    }
    String xid = fx.begin(Protocol.TWO_PHASE, 30_000);
    assertThat(p.client.queryOutcome(xid, 0).getOutcome()).isEqualTo(Outcome.UNDECIDED);
  }

  @Test
  void aFailedPersistRejectsTheVoteAndChangesNothingTheRepeatSucceeds() {
    BranchKey key = localWork("900-5", BranchProtocol.TWO_PC);
    PhaseRequest req = request(key, Protocol.TWO_PHASE);
    store.failNext("persist", 1);

    assertRejected(() -> p.direct().prepare(req), Status.Code.ABORTED, "injected failure");
    assertThat(store.state(key)).contains(BranchState.ACTIVE);
    assertThat(p.direct().prepare(req).getVote()).isEqualTo(Vote.YES);
    assertThat(store.state(key)).contains(BranchState.PREPARED);
    assertThat(p.counter("zabtx.participant.step.failures", "step", "persist")).isEqualTo(1);
  }

  @Test
  void aRestartedParticipantResumesItsPreparedBranchAndLearnsTheOutcomeByAsking()
      throws SQLException {
    p.drop("Commit"); // phase 2 never reaches this incarnation
    String xid = fx.begin(Protocol.TWO_PHASE, 1_000);
    BranchTicket t = p.work(xid);
    assertThat(fx.client().commit(CommitRequest.newBuilder().setXid(xid).build()).getStatus())
        .isEqualTo(TransactionStatus.COMMITTING);
    assertThat(store.state(t.key())).contains(BranchState.PREPARED);
    p.close();

    // The same database, a new process on another port: only asking the cluster can finish it.
    p = new TestParticipant(store, addresses);
    await()
        .atMost(ClusterFixture.PATIENCE)
        .until(() -> store.state(t.key()).orElseThrow() == BranchState.COMMITTED);
    assertThat(p.counter("zabtx.participant.outcome.queries", "answer", "commit")).isEqualTo(1);
  }

  // ---- helpers ----

  /** A branch with committed local work, known only to this participant (no coordinator). */
  private BranchKey localWork(String xid, BranchProtocol protocol) {
    BranchTicket t =
        new BranchTicket(new BranchKey(xid, 1), protocol, System.currentTimeMillis() + 60_000);
    store.writeWork(t);
    p.runtime.workCommitted(t);
    return t.key();
  }

  private static PhaseRequest request(BranchKey key, Protocol protocol) {
    return PhaseRequest.newBuilder()
        .setXid(key.xid())
        .setBranchId(key.branchId())
        .setProtocol(protocol)
        .build();
  }

  private static void assertRejected(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }
}
