package io.zabtx.participant.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.coordinator.cluster.CoordinatorCluster;
import io.zabtx.coordinator.cluster.FreePorts;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.testing.FakeParticipant;
import io.zabtx.participant.context.DtxContext;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link GlobalTransactionTemplate} against a real coordinator: what each way of leaving the work
 * does to the global transaction, as the coordinator reports it afterwards.
 */
class GlobalTransactionTemplateTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static CoordinatorCluster cluster;
  private static FakeParticipant no;
  private static SimpleMeterRegistry meters;
  private static DtxClient client;
  private static GlobalTransactionTemplate template;

  @BeforeAll
  static void start() {
    cluster = ClusterFixture.shared();
    no = FakeParticipant.start().voteByDefault(Vote.NO, "insufficient funds");
    meters = new SimpleMeterRegistry();
    client =
        ClusterFixture.client(ClusterFixture.addresses(cluster, 1)).meterRegistry(meters).build();
    template = new GlobalTransactionTemplate(client);
  }

  @AfterAll
  static void stop() {
    client.close();
    no.close();
  }

  @AfterEach
  void nothingStaysBound() {
    assertThat(DtxContext.currentXid()).isEmpty();
    assertThat(GlobalTransaction.currentIfAny()).isEmpty();
  }

  @Test
  void theWorkRunsWithTheXidBoundAndCommitsWhenItReturns() {
    AtomicReference<String> seen = new AtomicReference<>();
    String xid =
        template.execute(
            CommitProtocol.THREE_PHASE,
            TIMEOUT,
            tx -> {
              seen.set(DtxContext.currentXid().orElseThrow());
              assertThat(tx.isNew()).isTrue();
              assertThat(GlobalTransaction.current()).isSameAs(tx);
              return tx.xid();
            });

    assertThat(seen).hasValue(xid);
    TransactionInfo info = client.status(xid);
    assertThat(info.protocol()).isEqualTo(CommitProtocol.THREE_PHASE);
    assertThat(info.status().isCommitted()).isTrue();
  }

  @Test
  void anExceptionRollsBackAndIsRethrownAsIs() {
    AtomicReference<String> xid = new AtomicReference<>();
    IOException failure = new IOException("disk full");

    assertThatThrownBy(
            () ->
                template.execute(
                    CommitProtocol.TWO_PHASE,
                    TIMEOUT,
                    tx -> {
                      xid.set(tx.xid());
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(failure.getSuppressed()).isEmpty();
    assertThat(client.status(xid.get()).status().isAborted()).isTrue();
  }

  @Test
  void aTransactionMarkedRollbackOnlyRollsBackAndReturnsTheResult() {
    String viaHandle =
        template.execute(
            CommitProtocol.TWO_PHASE,
            TIMEOUT,
            tx -> {
              tx.setRollbackOnly();
              return tx.xid();
            });
    String viaCurrent =
        template.execute(
            CommitProtocol.TWO_PHASE,
            TIMEOUT,
            tx -> {
              GlobalTransaction.current().setRollbackOnly();
              return tx.xid();
            });

    assertThat(client.status(viaHandle).status().isAborted()).isTrue();
    assertThat(client.status(viaCurrent).status().isAborted()).isTrue();
  }

  @Test
  void aFallbackThatSwallowsTheExceptionCommitsUnlessItMarksRollbackOnly() {
    String swallowed =
        template.execute(
            CommitProtocol.TWO_PHASE,
            TIMEOUT,
            tx -> {
              try {
                throw new IllegalStateException("remote call failed");
              } catch (IllegalStateException fallback) {
                return tx.xid();
              }
            });
    String marked =
        template.execute(
            CommitProtocol.TWO_PHASE,
            TIMEOUT,
            tx -> {
              try {
                throw new IllegalStateException("remote call failed");
              } catch (IllegalStateException fallback) {
                GlobalTransaction.current().setRollbackOnly();
                return tx.xid();
              }
            });

    assertThat(client.status(swallowed).status().isCommitted()).isTrue();
    assertThat(client.status(marked).status().isAborted()).isTrue();
  }

  @Test
  void aNestedScopeJoinsTheOuterTransactionAndItsFailureMarksItRollbackOnly() {
    double begunBefore = begins();
    AtomicBoolean innerWasNew = new AtomicBoolean(true);
    String xid =
        template.execute(
            CommitProtocol.TWO_PHASE,
            TIMEOUT,
            outer -> {
              try {
                template.execute(
                    CommitProtocol.THREE_PHASE,
                    Duration.ofSeconds(5),
                    inner -> {
                      assertThat(inner.xid()).isEqualTo(outer.xid());
                      innerWasNew.set(inner.isNew());
                      throw new IllegalArgumentException("inner failed");
                    });
              } catch (IllegalArgumentException swallowedByOuter) {
                assertThat(DtxContext.currentXid()).hasValue(outer.xid());
                assertThat(GlobalTransaction.current()).isSameAs(outer);
              }
              return outer.xid();
            });

    assertThat(innerWasNew).isFalse();
    assertThat(begins() - begunBefore).as("one transaction begun").isEqualTo(1);
    TransactionInfo info = client.status(xid);
    assertThat(info.protocol()).isEqualTo(CommitProtocol.TWO_PHASE);
    assertThat(info.status().isAborted()).isTrue();
  }

  @Test
  void aNestedScopeThatReturnsNeitherCommitsNorRollsBack() {
    String xid =
        template.execute(
            CommitProtocol.TWO_PHASE,
            TIMEOUT,
            outer -> {
              template.execute(CommitProtocol.TWO_PHASE, TIMEOUT, inner -> inner.xid());
              assertThat(client.status(outer.xid()).status()).isEqualTo(TxStatus.ACTIVE);
              return outer.xid();
            });

    assertThat(client.status(xid).status().isCommitted()).isTrue();
  }

  @Test
  void anExemptedExceptionCommitsAndIsStillRethrown() {
    AtomicReference<String> xid = new AtomicReference<>();
    var definition =
        new GlobalTransactionDefinition(
            CommitProtocol.TWO_PHASE,
            TIMEOUT,
            "exempt",
            RollbackRules.of(List.of(), List.of(IllegalStateException.class)));

    assertThatThrownBy(
            () ->
                template.execute(
                    definition,
                    tx -> {
                      xid.set(tx.xid());
                      throw new IllegalStateException("expected business outcome");
                    }))
        .hasMessage("expected business outcome");
    assertThat(client.status(xid.get()).status().isCommitted()).isTrue();
  }

  @Test
  void aParticipantVotingNoMakesExecuteThrowAborted() {
    AtomicReference<String> xid = new AtomicReference<>();

    assertThatThrownBy(
            () ->
                template.execute(
                    CommitProtocol.TWO_PHASE,
                    TIMEOUT,
                    tx -> {
                      xid.set(tx.xid());
                      ClusterFixture.register(cluster, tx.xid(), no);
                      return "work result";
                    }))
        .isInstanceOf(GlobalTransactionAbortedException.class)
        .hasMessageContaining("insufficient funds");
    assertThat(client.status(xid.get()).outcome()).isEqualTo(TxOutcome.ABORT);
  }

  @Test
  void anXidBoundByAnIncomingCallIsJoinedAndLeftToItsOriginator() {
    String xid = client.begin(CommitProtocol.TWO_PHASE, TIMEOUT);
    try (DtxContext.Scope incoming = DtxContext.bind(xid)) {
      boolean isNew = template.execute(CommitProtocol.TWO_PHASE, TIMEOUT, GlobalTransaction::isNew);
      assertThat(isNew).isFalse();
      assertThat(client.status(xid).status()).isEqualTo(TxStatus.ACTIVE);
    }
    assertThat(client.commit(xid).isCommitted()).isTrue();
  }

  @Test
  void aJoinedIncomingXidMarkedRollbackOnlyOrFailingIsRolledBackAtTheCoordinator() {
    String marked = client.begin(CommitProtocol.TWO_PHASE, TIMEOUT);
    String failing = client.begin(CommitProtocol.TWO_PHASE, TIMEOUT);
    try (DtxContext.Scope incoming = DtxContext.bind(marked)) {
      template.execute(
          CommitProtocol.TWO_PHASE,
          TIMEOUT,
          tx -> {
            tx.setRollbackOnly();
            return null;
          });
    }
    try (DtxContext.Scope incoming = DtxContext.bind(failing)) {
      assertThatThrownBy(
              () ->
                  template.execute(
                      CommitProtocol.TWO_PHASE,
                      TIMEOUT,
                      tx -> {
                        throw new IllegalStateException("participant work failed");
                      }))
          .hasMessage("participant work failed");
    }

    assertThatThrownBy(() -> client.commit(marked))
        .isInstanceOf(GlobalTransactionAbortedException.class);
    await()
        .atMost(ClusterFixture.PATIENCE)
        .until(() -> client.status(failing).status().isAborted());
  }

  @Test
  void whenBeginFailsTheWorkDoesNotRun() {
    AtomicBoolean ran = new AtomicBoolean();
    try (DtxClient dead =
        DtxClient.builder().addresses("127.0.0.1:" + FreePorts.next()).maxAttempts(1).build()) {
      assertThatThrownBy(
              () ->
                  new GlobalTransactionTemplate(dead)
                      .execute(CommitProtocol.TWO_PHASE, TIMEOUT, tx -> ran.getAndSet(true)))
          .isInstanceOfSatisfying(
              DtxException.class, e -> assertThat(e.code()).isEqualTo(DtxErrorCode.UNREACHABLE));
    }
    assertThat(ran).isFalse();
  }

  private static double begins() {
    return meters
        .get("zabtx.client.requests")
        .tag("operation", "begin")
        .tag("result", "ok")
        .counter()
        .count();
  }
}
