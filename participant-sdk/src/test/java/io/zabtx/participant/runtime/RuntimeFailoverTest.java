package io.zabtx.participant.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.jdbc.BranchTicket;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.PhaseRequest;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.Transaction;
import io.zabtx.protocol.v1.TransactionStatus;
import io.zabtx.protocol.v1.Vote;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime while coordinator nodes die: a branch waiting for phase 2 when the leader is killed
 * still finishes, and a READY branch whose cluster is unreachable past its deadline plus
 * heuristic-after aborts alone and reports it once the cluster is back (HEURISTIC_MIXED where the
 * cluster had decided to commit). A fresh cluster per test, since tests stop its nodes.
 */
class RuntimeFailoverTest {

  @TempDir Path dir;
  private ClusterFixture fx;
  private InMemoryBranchStore store;
  private TestParticipant p;

  @BeforeEach
  void start() throws SQLException {
    fx = new ClusterFixture(dir);
    store = new InMemoryBranchStore();
    // The leader first: the participant talks to it until it dies, then must fail over.
    List<String> leaderFirst = new ArrayList<>(fx.addresses);
    Collections.rotate(leaderFirst, -(int) (fx.leader() - 1));
    p = new TestParticipant(store, leaderFirst);
  }

  @AfterEach
  void stop() {
    p.close();
    fx.close();
  }

  @Test
  void aPreparedBranchFinishesWhenTheLeaderIsKilledWhileItWaits() throws SQLException {
    p.drop("Commit"); // phase 2 from the old leader never arrives
    long leader = fx.leader();
    String xid = fx.begin(Protocol.TWO_PHASE, 1_000);
    BranchTicket t = p.work(xid);
    assertThat(fx.client().commit(CommitRequest.newBuilder().setXid(xid).build()).getStatus())
        .isEqualTo(TransactionStatus.COMMITTING);
    assertThat(store.state(t.key())).contains(BranchState.PREPARED);

    fx.cluster.stop(leader);

    // Past its deadline the branch asks; the dead leader is skipped, a survivor answers COMMIT.
    await()
        .atMost(ClusterFixture.PATIENCE)
        .until(() -> store.state(t.key()).orElseThrow() == BranchState.COMMITTED);
    assertThat(p.counter("zabtx.participant.outcome.queries", "answer", "commit")).isEqualTo(1);
    assertThat(p.counter("zabtx.participant.coordinator.failovers")).isPositive();

    // The new leader's phase 2 now reaches the branch, which acknowledges from its row.
    p.stopDropping();
    await()
        .atMost(ClusterFixture.PATIENCE)
        .until(() -> fx.view(xid).getStatus() == TransactionStatus.COMMITTED);
  }

  @Test
  void readyBranchesOfAnUnreachableClusterAbortAloneAndReportItWhenTheClusterIsBack()
      throws SQLException {
    // xid "decided": the cluster logs its commit point but the PreCommit never arrives.
    p.drop("PreCommit");
    String decided = fx.begin(Protocol.THREE_PHASE, 1_500);
    BranchTicket d = p.work(decided);
    // xid "undecided": this branch voted YES, the cluster decided nothing.
    String undecided = fx.begin(Protocol.THREE_PHASE, 1_500);
    BranchTicket u = p.work(undecided);
    assertThat(
            p.direct()
                .canCommit(
                    PhaseRequest.newBuilder()
                        .setXid(undecided)
                        .setBranchId(u.key().branchId())
                        .setProtocol(Protocol.THREE_PHASE)
                        .build())
                .getVote())
        .isEqualTo(Vote.YES);
    assertThat(fx.client().commit(CommitRequest.newBuilder().setXid(decided).build()).getStatus())
        .isEqualTo(TransactionStatus.COMMITTING);
    assertThat(store.state(d.key())).contains(BranchState.READY);

    fx.stopAll();

    // Deadline (1.5 s) + heuristic-after (1 s) with no quorum answering: abort alone.
    await()
        .atMost(ClusterFixture.PATIENCE)
        .until(
            () ->
                store.state(d.key()).orElseThrow() == BranchState.HEURISTIC_ABORT
                    && store.state(u.key()).orElseThrow() == BranchState.HEURISTIC_ABORT);
    assertThat(p.counter("zabtx.participant.heuristics", "state", "heuristic_abort")).isEqualTo(2);
    assertThat(p.counter("zabtx.participant.outcome.queries", "answer", "unreachable"))
        .isPositive();

    fx.startAll();

    // The reports arrive: the committed transaction is HEURISTIC_MIXED, the other plainly aborted.
    await()
        .atMost(ClusterFixture.PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(p.counter("zabtx.participant.heuristic.reports", "result", "mixed"))
                  .isEqualTo(1);
              assertThat(p.counter("zabtx.participant.heuristic.reports", "result", "recorded"))
                  .isEqualTo(1);
            });
    Transaction mixed = fx.view(decided);
    assertThat(mixed.getStatus()).isEqualTo(TransactionStatus.HEURISTIC_MIXED);
    assertThat(mixed.getTimelineList()).anyMatch(e -> e.getPhase().equals("HEURISTIC_REPORTED"));
    assertBranchReported(mixed, d.key());
    Transaction aborted = fx.view(undecided);
    assertThat(aborted.getStatus()).isEqualTo(TransactionStatus.ABORTED);
  }

  private static void assertBranchReported(Transaction view, BranchKey key) {
    assertThat(view.getBranchesList())
        .filteredOn(b -> b.getBranchId() == key.branchId())
        .singleElement()
        .satisfies(
            b ->
                assertThat(b.getState())
                    .isEqualTo(io.zabtx.protocol.v1.BranchState.HEURISTIC_ABORT));
  }
}
