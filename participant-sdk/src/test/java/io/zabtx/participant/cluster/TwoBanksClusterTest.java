package io.zabtx.participant.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zabtx.coordinator.cluster.CoordinatorCluster;
import io.zabtx.coordinator.cluster.FreePorts;
import io.zabtx.participant.branch.BranchConfig;
import io.zabtx.participant.client.CommitProtocol;
import io.zabtx.participant.client.DtxClient;
import io.zabtx.participant.client.GlobalTransactionAbortedException;
import io.zabtx.participant.client.GlobalTransactionTemplate;
import io.zabtx.participant.client.TxStatus;
import io.zabtx.participant.context.DtxContext;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole SDK against a real 3-node coordinator cluster in this JVM (issue 8, "every state x
 * every deadline path ... with a real in-JVM coordinator cluster"): two banks, each an H2 file
 * database behind its own participant, money moved between them by {@link
 * GlobalTransactionTemplate}. Faults: a participant stopped between local commit and vote, and
 * between vote and phase 2, then restarted on its database; phase messages dropped on the way in;
 * the coordinator leader stopped while a branch waits; the whole cluster stopped past a 3PC
 * branch's deadline plus heuristic-after, then started again.
 */
class TwoBanksClusterTest {

  private static final BranchConfig FAST = new BranchConfig(1_000, 50, 200, 1_000, 600_000, 16);
  private static final Map<Integer, BigDecimal> UNTOUCHED =
      Map.of(1, money("100.00"), 2, money("100.00"), 3, money("100.00"));

  @TempDir Path root;
  private CoordinatorCluster cluster;
  private Bank a;
  private Bank b;
  private DtxClient client;
  private GlobalTransactionTemplate template;

  @BeforeEach
  void start() throws SQLException {
    cluster = new CoordinatorCluster(root.resolve("coordinators"), 3);
    cluster.start();
    cluster.awaitLeader(Duration.ofSeconds(30));
    List<String> coordinators = cluster.grpcAddresses();
    a = new Bank("bank_a", root, coordinators, FreePorts.next(), FAST);
    b = new Bank("bank_b", root, coordinators, FreePorts.next(), FAST);
    client = DtxClient.builder().addresses(coordinators).build();
    template = new GlobalTransactionTemplate(client);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @ParameterizedTest
  @EnumSource(CommitProtocol.class)
  void aTransferCommitsAtBothBanksAndLeavesNoUndoOrLocks(CommitProtocol protocol) throws Exception {
    a.start(null);
    b.start(null);

    String xid = transfer(protocol, "30.00", false);

    assertThat(a.balances()).containsEntry(1, money("70.00"));
    assertThat(b.balances()).containsEntry(1, money("130.00"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(a.leftovers() + b.leftovers()).isZero();
              assertThat(client.status(xid).status()).isEqualTo(TxStatus.COMMITTED);
            });
  }

  @ParameterizedTest
  @EnumSource(CommitProtocol.class)
  void anExceptionRollsBothBanksBackValueForValue(CommitProtocol protocol) throws Exception {
    a.start(null);
    b.start(null);

    assertThatThrownBy(() -> transfer(protocol, "30.00", true))
        .isInstanceOf(IllegalStateException.class);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(a.balances()).isEqualTo(UNTOUCHED);
              assertThat(b.balances()).isEqualTo(UNTOUCHED);
              assertThat(a.leftovers() + b.leftovers()).isZero();
              assertThat(a.branchStates()).containsOnly("ABORTED");
            });
  }

  @Test
  void aParticipantStoppedBeforeItVotedIsRolledBackAfterItsRestart() throws Exception {
    a.start(null);
    b.start(null);
    String xid = client.begin(CommitProtocol.TWO_PHASE, Duration.ofSeconds(2));
    try (DtxContext.Scope s = DtxContext.bind(xid)) {
      a.add(1, "-30.00");
      b.add(1, "30.00");
    }
    b.crash(); // local work committed, no vote given

    assertThatThrownBy(() -> client.commit(xid))
        .isInstanceOf(GlobalTransactionAbortedException.class);
    b.start(null); // resumes the ACTIVE branch: the abort (or its own deadline) rolls it back

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(a.balances()).isEqualTo(UNTOUCHED);
              assertThat(b.balances()).isEqualTo(UNTOUCHED);
              assertThat(b.branchStates()).containsOnly("ABORTED");
              assertThat(client.status(xid).status()).isEqualTo(TxStatus.ABORTED);
            });
  }

  @ParameterizedTest
  @EnumSource(CommitProtocol.class)
  void aParticipantStoppedAfterItVotedCommitsAfterItsRestart(CommitProtocol protocol)
      throws Exception {
    PhaseBlocker blocker = new PhaseBlocker().block("Commit");
    a.start(null);
    b.start(blocker);

    String xid = transfer(protocol, "30.00", false); // decided; b never got its phase 2
    String voted = protocol == CommitProtocol.TWO_PHASE ? "PREPARED" : "PRECOMMITTED";
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(b.branchStates()).containsOnly(voted));
    b.crash();
    b.start(null);

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(b.balances()).containsEntry(1, money("130.00"));
              assertThat(b.branchStates()).containsOnly("COMMITTED");
              assertThat(b.leftovers()).isZero();
              assertThat(client.status(xid).status()).isEqualTo(TxStatus.COMMITTED);
            });
  }

  @Test
  void theLeaderStoppedWhileABranchWaitsForPhaseTwo() throws Exception {
    PhaseBlocker blocker = new PhaseBlocker().block("Commit");
    a.start(null);
    b.start(blocker);
    String xid = transfer(CommitProtocol.TWO_PHASE, "30.00", false);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(b.branchStates()).containsOnly("PREPARED"));

    cluster.stop(cluster.awaitLeader(Duration.ofSeconds(5)));
    blocker.unblockAll();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(b.balances()).containsEntry(1, money("130.00"));
              assertThat(b.branchStates()).containsOnly("COMMITTED");
              assertThat(client.status(xid).status()).isEqualTo(TxStatus.COMMITTED);
            });
  }

  @Test
  void aPrecommittedBranchCommitsAloneWhenTheClusterIsGoneAndItsReportAgrees() throws Exception {
    PhaseBlocker blocker = new PhaseBlocker().block("Commit");
    a.start(null);
    b.start(blocker);
    String xid = transfer(CommitProtocol.THREE_PHASE, "30.00", false);
    await() // the commit point is logged before preCommit is delivered
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(b.branchStates()).containsOnly("PRECOMMITTED"));

    stopCluster(); // past deadline + heuristic-after the branch commits alone
    blocker.unblockAll(); // doCommit may reach it once the cluster is back

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(b.branchStates()).containsOnly("HEURISTIC_COMMIT"));
    assertThat(b.balances()).containsEntry(1, money("130.00"));
    assertThat(b.leftovers()).isZero();

    startCluster(); // the report arrives; it agrees with the logged COMMIT: not mixed
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(client.status(xid).branches())
                  .anySatisfy(br -> assertThat(br.state().name()).isEqualTo("HEURISTIC_COMMIT"));
              assertThat(client.status(xid).status()).isEqualTo(TxStatus.COMMITTED);
            });
  }

  @Test
  void aReadyBranchAbortsAloneAndTheMismatchShowsAsHeuristicMixed() throws Exception {
    PhaseBlocker blocker = new PhaseBlocker().block("PreCommit").block("Commit");
    a.start(null);
    b.start(blocker);
    String xid = client.begin(CommitProtocol.THREE_PHASE, Duration.ofSeconds(2));
    try (DtxContext.Scope s = DtxContext.bind(xid)) {
      a.add(1, "-30.00");
      b.add(1, "30.00");
    }
    Thread commit =
        new Thread(
            () -> {
              try {
                client.commit(xid);
              } catch (RuntimeException outcomeUnknownWhileTheClusterStops) {
                // the decision is read from the cluster afterwards
              }
            });
    commit.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(b.branchStates()).containsOnly("READY"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.status(xid).status().isCommitted()); // commit point logged
    stopCluster();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(b.branchStates()).containsOnly("HEURISTIC_ABORT"));
    assertThat(b.balances()).isEqualTo(UNTOUCHED);

    startCluster();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(client.status(xid).status()).isEqualTo(TxStatus.HEURISTIC_MIXED));
    commit.join(30_000);
  }

  private String transfer(CommitProtocol protocol, String amount, boolean fail) throws Exception {
    return template.execute(
        protocol,
        Duration.ofSeconds(2),
        tx -> {
          a.add(1, "-" + amount);
          b.add(1, amount);
          if (fail) {
            throw new IllegalStateException("business rule refused the transfer");
          }
          return tx.xid();
        });
  }

  private void stopCluster() {
    for (long id = 1; id <= 3; id++) {
      cluster.stop(id);
    }
  }

  private void startCluster() {
    for (long id = 1; id <= 3; id++) {
      cluster.start(id);
    }
    cluster.awaitLeader(Duration.ofSeconds(30));
  }

  private static BigDecimal money(String s) {
    return new BigDecimal(s);
  }
}
