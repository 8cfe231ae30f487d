package io.zabtx.coordinator.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zabtx.coordinator.cluster.FreePorts;
import io.zabtx.coordinator.testing.FakeParticipant;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.BranchState;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.CoordinatorServiceGrpc;
import io.zabtx.protocol.v1.GetClusterRequest;
import io.zabtx.protocol.v1.Outcome;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.QueryOutcomeRequest;
import io.zabtx.protocol.v1.RegisterBranchRequest;
import io.zabtx.protocol.v1.TransactionServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three coordinator JVMs and two participant doubles; clients run transactions of both protocols
 * through any node while the leader is SIGKILLed and restarted. Afterwards, checked from the
 * outside: every transaction answered committed is committed at both branches and every node
 * answers COMMIT for it; every one answered aborted is committed at neither; every one whose answer
 * was lost (the call died with the leader) is resolved one way or the other and obeys the same
 * rule.
 */
class CoordinatorProcessFaultTest {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final Map<Long, CoordinatorProcess> nodes = new TreeMap<>();
  private final Map<Long, ManagedChannel> channels = new TreeMap<>();
  private FakeParticipant a;
  private FakeParticipant b;

  /** What the client was told, per xid. */
  private record Tx(String xid, int branchA, int branchB) {}

  private final Set<Tx> committed = ConcurrentHashMap.newKeySet();
  private final Set<Tx> aborted = ConcurrentHashMap.newKeySet();
  private final Set<Tx> unknown = ConcurrentHashMap.newKeySet();
  private final Map<Status.Code, AtomicInteger> failures = new ConcurrentHashMap<>();

  @AfterEach
  void stopAll() {
    nodes.values().forEach(CoordinatorProcess::sigkill);
    channels.values().forEach(ManagedChannel::shutdownNow);
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void sigkillOfTheLeaderUnderLoadLosesNoAnsweredOutcome() throws Exception {
    a = FakeParticipant.start();
    b = FakeParticipant.start();
    StringBuilder members = new StringBuilder();
    Map<Long, int[]> ports = new TreeMap<>();
    for (long id = 1; id <= 3; id++) {
      int[] p = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
      ports.put(id, p);
      members.append(members.length() == 0 ? "" : ",");
      members.append(id).append("=127.0.0.1:").append(p[0]).append(':').append(p[1]);
      members.append(':').append(p[2]);
    }
    for (long id = 1; id <= 3; id++) {
      int[] p = ports.get(id);
      nodes.put(
          id,
          new CoordinatorProcess(
              id,
              p[2],
              members.toString(),
              dir.resolve("data"),
              dir.resolve("node-" + id + ".log")));
      channels.put(id, NettyChannelBuilder.forAddress("127.0.0.1", p[1]).usePlaintext().build());
    }
    // Start all three at once: each waits for a quorum anyway.
    ExecutorService starter = Executors.newFixedThreadPool(3);
    List<java.util.concurrent.Future<?>> started = new ArrayList<>();
    for (CoordinatorProcess n : nodes.values()) {
      started.add(starter.submit(() -> n.start(START)));
    }
    for (var f : started) {
      f.get(START.toSeconds() + 10, TimeUnit.SECONDS);
    }
    starter.shutdown();
    long leader = awaitLeader();
    log("3 coordinators started, leader " + leader);

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger answered = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      int thread = t;
      clients.submit(
          () -> {
            int i = 0;
            while (running.get()) {
              runOne(i++ % 2 == 0 ? Protocol.TWO_PHASE : Protocol.THREE_PHASE, thread);
              answered.incrementAndGet();
            }
          });
    }
    await().atMost(PATIENCE).until(() -> committed.size() >= 30);
    int committedBeforeKill = committed.size();
    log("SIGKILL leader " + leader + " after " + committedBeforeKill + " commits");
    nodes.get(leader).sigkill();
    long next = awaitLeader();
    log("new leader " + next);
    assertThat(next).isNotEqualTo(leader);
    await().atMost(PATIENCE).until(() -> committed.size() >= committedBeforeKill + 30);
    nodes.get(leader).start(START);
    log("node " + leader + " restarted; " + committed.size() + " commits so far");
    await().atMost(PATIENCE).until(() -> committed.size() >= committedBeforeKill + 60);
    running.set(false);
    clients.shutdown();
    assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

    // Calls that died with the leader: their outcome is whatever the cluster now says.
    for (Tx tx : unknown) {
      Outcome o = awaitDecided(tx.xid());
      (o == Outcome.COMMIT ? committed : aborted).add(tx);
    }
    assertThat(committed).isNotEmpty();
    // Phase 2 runs after the answer: wait (once, for all) until every branch caught up.
    await()
        .atMost(PATIENCE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              for (Tx tx : committed) {
                assertThat(a.branchState(tx.xid(), tx.branchA()))
                    .as("branch a of committed %s", tx.xid())
                    .isEqualTo(BranchState.BRANCH_COMMITTED);
                assertThat(b.branchState(tx.xid(), tx.branchB()))
                    .as("branch b of committed %s", tx.xid())
                    .isEqualTo(BranchState.BRANCH_COMMITTED);
              }
            });
    for (Tx tx : committed) {
      for (long id : nodes.keySet()) {
        assertThat(outcome(id, tx.xid()))
            .as("node %d on %s", id, tx.xid())
            .isEqualTo(Outcome.COMMIT);
      }
    }
    log(
        "checked: "
            + committed.size()
            + " committed, "
            + aborted.size()
            + " aborted, "
            + unknown.size()
            + " of them resolved after a lost answer; failed calls by status: "
            + failures);
    for (Tx tx : aborted) {
      assertThat(a.branchState(tx.xid(), tx.branchA())).isNotEqualTo(BranchState.BRANCH_COMMITTED);
      assertThat(b.branchState(tx.xid(), tx.branchB())).isNotEqualTo(BranchState.BRANCH_COMMITTED);
      assertThat(outcome(next, tx.xid())).isEqualTo(Outcome.ABORT);
    }
    assertThat(a.conflicts()).isEmpty();
    assertThat(b.conflicts()).isEmpty();
  }

  private final long t0 = System.nanoTime();

  private void log(String what) {
    System.out.printf("[process-fault +%.1fs] %s%n", (System.nanoTime() - t0) / 1e9, what);
  }

  /** One transaction through random nodes; records what the client was told. */
  private void runOne(Protocol protocol, int thread) {
    String xid = null;
    int branchA = 0;
    int branchB = 0;
    try {
      xid =
          tx(randomNode())
              .begin(BeginRequest.newBuilder().setProtocol(protocol).setTimeoutMs(10_000).build())
              .getXid();
      branchA = register(xid, a, "a/" + thread);
      branchB = register(xid, b, "b/" + thread);
      commitRetryingElsewhere(xid);
      committed.add(new Tx(xid, branchA, branchB));
    } catch (StatusRuntimeException e) {
      failures.computeIfAbsent(e.getStatus().getCode(), c -> new AtomicInteger()).incrementAndGet();
      if (xid == null || branchA == 0 || branchB == 0) {
        return; // never reached commit: nothing to check beyond "not committed"
      }
      Tx tx = new Tx(xid, branchA, branchB);
      if (e.getStatus().getCode() == Status.Code.ABORTED) {
        aborted.add(tx);
      } else {
        unknown.add(tx); // UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED: the answer was lost
      }
    }
  }

  /**
   * Commits as a careful client does: commit is idempotent, so a call that found a node down (or
   * starting) is repeated on another node, a few times. What still fails is a lost answer.
   */
  private void commitRetryingElsewhere(String xid) {
    for (int attempt = 1; ; attempt++) {
      try {
        tx(randomNode()).commit(CommitRequest.newBuilder().setXid(xid).build());
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt == 3) {
          throw e;
        }
      }
    }
  }

  private int register(String xid, FakeParticipant p, String resource) {
    return CoordinatorServiceGrpc.newBlockingStub(channels.get(randomNode()))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .registerBranch(
            RegisterBranchRequest.newBuilder()
                .setXid(xid)
                .setEndpoint(p.endpoint())
                .setResource(resource)
                .build())
        .getBranchId();
  }

  private TransactionServiceGrpc.TransactionServiceBlockingStub tx(long id) {
    return TransactionServiceGrpc.newBlockingStub(channels.get(id))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private long randomNode() {
    List<Long> alive = new ArrayList<>();
    nodes.forEach(
        (id, n) -> {
          if (n.isAlive()) {
            alive.add(id);
          }
        });
    return alive.get(ThreadLocalRandom.current().nextInt(alive.size()));
  }

  private long awaitLeader() {
    long[] leader = {0};
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              leader[0] =
                  tx(randomNode()).getCluster(GetClusterRequest.getDefaultInstance()).getLeader();
              return leader[0] > 0 && nodes.get(leader[0]).isAlive();
            });
    return leader[0];
  }

  private Outcome outcome(long node, String xid) {
    Outcome[] o = {null};
    await()
        .atMost(PATIENCE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              o[0] =
                  CoordinatorServiceGrpc.newBlockingStub(channels.get(node))
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .queryOutcome(QueryOutcomeRequest.newBuilder().setXid(xid).build())
                      .getOutcome();
              return o[0] == Outcome.COMMIT || o[0] == Outcome.ABORT;
            });
    return o[0];
  }

  private Outcome awaitDecided(String xid) {
    return outcome(randomNode(), xid);
  }
}
