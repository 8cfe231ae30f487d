package io.zabtx.participant.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.zabtx.coordinator.cluster.CoordinatorCluster;
import io.zabtx.coordinator.cluster.FreePorts;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.RollbackRequest;
import io.zabtx.protocol.v1.TransactionServiceGrpc.TransactionServiceBlockingStub;
import io.zabtx.protocol.v1.TransactionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Participant JVMs SIGKILLed at random points of 2PC and 3PC transactions and restarted (issue 8):
 * afterwards every branch of every transaction agrees with the coordinator's outcome, and every
 * database holds exactly the writes of committed transactions.
 *
 * <p>Three coordinators run in this JVM (real gRPC on loopback); two participant services run as
 * their own JVMs ({@link ParticipantProcessMain}: H2 file database with WRITE_DELAY=0 behind the
 * SDK). Each transaction inserts one ledger row at each participant. A killer SIGKILLs a random
 * participant at random moments while the workload runs and starts it again on the same database.
 * The fault schedule and the protocols come from a seed, printed, replayed with {@code
 * -Dsdk.process.seed}; the timing of the processes is not replayable, so a failure report names the
 * transactions that disagree.
 */
class ParticipantProcessFaultTest {

  private static final Set<String> TERMINAL_BRANCH =
      Set.of("COMMITTED", "ABORTED", "HEURISTIC_ABORT", "HEURISTIC_COMMIT", "HEURISTIC_HAZARD");

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void branchesAgreeWithTheCoordinatorAfterRandomSigkills(@TempDir Path root) throws Exception {
    long seed = Long.getLong("sdk.process.seed", System.nanoTime());
    System.out.println(
        "ParticipantProcessFaultTest seed=" + seed + " (replay: -Dsdk.process.seed=" + seed + ")");
    Random rnd = new Random(seed);
    int transactions = Integer.getInteger("sdk.process.transactions", 300);
    int kills = Integer.getInteger("sdk.process.kills", 6);

    try (CoordinatorCluster cluster = new CoordinatorCluster(root.resolve("coordinators"), 3)) {
      cluster.start();
      cluster.awaitLeader(Duration.ofSeconds(30));
      List<String> coordinators = cluster.grpcAddresses();
      // Logs outlive the temporary directory, for a failure's diagnosis.
      Path logs =
          Files.createDirectories(Path.of("target", "participant-process-logs", "seed-" + seed));
      Files.createDirectories(root.resolve("p1"));
      Files.createDirectories(root.resolve("p2"));
      List<ParticipantProcess> participants =
          List.of(
              new ParticipantProcess(
                  "p1",
                  root.resolve("p1").resolve("db"),
                  coordinators,
                  FreePorts.next(),
                  FreePorts.next(),
                  logs.resolve("p1.log")),
              new ParticipantProcess(
                  "p2",
                  root.resolve("p2").resolve("db"),
                  coordinators,
                  FreePorts.next(),
                  FreePorts.next(),
                  logs.resolve("p2.log")));
      try {
        participants.forEach(p -> p.start(Duration.ofSeconds(60)));

        Protocol[] protocols = new Protocol[transactions];
        for (int i = 0; i < transactions; i++) {
          protocols[i] = rnd.nextBoolean() ? Protocol.TWO_PHASE : Protocol.THREE_PHASE;
        }
        Map<Integer, String> xids = new ConcurrentHashMap<>();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        // CoordinatorCluster's channel cache is not thread-safe: take the stubs here.
        List<TransactionServiceBlockingStub> stubs =
            List.of(cluster.client(1), cluster.client(2), cluster.client(3));
        ExecutorService workers = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          TransactionServiceBlockingStub tx = stubs.get(w % 3);
          running.add(
              workers.submit(
                  () -> {
                    for (int i = next.getAndIncrement();
                        i < transactions;
                        i = next.getAndIncrement()) {
                      runOne(tx, participants, i, protocols[i], xids, failures);
                    }
                  }));
        }

        // The fault schedule: while the workload runs, kill a random participant after a random
        // pause and start it again on its database.
        int killed = 0;
        while (killed < kills && running.stream().anyMatch(f -> !f.isDone())) {
          Thread.sleep(300 + rnd.nextInt(900)); // the fault schedule, not a synchronization
          ParticipantProcess victim = participants.get(rnd.nextInt(participants.size()));
          System.out.println("kill " + killed + ": " + victim.name() + " at tx #" + next.get());
          victim.sigkill();
          killed++;
          victim.start(Duration.ofSeconds(60));
        }
        for (Future<?> f : running) {
          f.get(3, TimeUnit.MINUTES);
        }
        workers.shutdown();
        assertThat(killed).as("participants killed while the workload ran").isPositive();

        // Every transaction reaches its outcome at the coordinator and at every branch.
        TransactionServiceBlockingStub tx =
            cluster.client(cluster.awaitLeader(Duration.ofSeconds(10)));
        Map<String, TransactionStatus> outcomes = new TreeMap<>();
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(250))
            .untilAsserted(
                () -> {
                  for (String xid : xids.values()) {
                    TransactionStatus s =
                        tx.getTransaction(GetTransactionRequest.newBuilder().setXid(xid).build())
                            .getStatus();
                    assertThat(s)
                        .as("coordinator status of %s", xid)
                        .isIn(
                            TransactionStatus.COMMITTED,
                            TransactionStatus.ABORTED,
                            TransactionStatus.HEURISTIC_MIXED);
                    outcomes.put(xid, s);
                  }
                  for (ParticipantProcess p : participants) {
                    for (String line : p.lines("branches")) {
                      String[] f = line.split(" ");
                      assertThat(f[2]).as("%s branch %s", p.name(), line).isIn(TERMINAL_BRANCH);
                    }
                  }
                });

        // Each database holds exactly the writes of committed transactions, value for value.
        Set<String> committedIds = new TreeSet<>();
        xids.forEach(
            (i, xid) -> {
              if (outcomes.get(xid) == TransactionStatus.COMMITTED) {
                committedIds.add("t" + i);
              }
            });
        for (ParticipantProcess p : participants) {
          Map<String, String> ledger = new HashMap<>();
          for (String line : p.lines("ledger")) {
            String[] f = line.split(" ");
            ledger.put(f[0], f[1]);
          }
          assertThat(new TreeSet<>(ledger.keySet()))
              .as("%s ledger rows = committed transactions", p.name())
              .isEqualTo(committedIds);
          ledger.forEach(
              (id, amount) ->
                  assertThat(amount).isEqualTo(amountOf(Integer.parseInt(id.substring(1)))));
          for (String line : p.lines("branches")) {
            assertThat(line.split(" ")[2])
                .as("no heuristic while the cluster stayed up: %s %s", p.name(), line)
                .isIn("COMMITTED", "ABORTED");
          }
        }
        long committed =
            outcomes.values().stream().filter(s -> s == TransactionStatus.COMMITTED).count();
        System.out.println(
            "transactions=" + xids.size() + " committed=" + committed + " kills=" + killed);
        failures.forEach((why, n) -> System.out.println("  write failed " + n + "x: " + why));
        assertThat(committed).as("some transactions commit despite the kills").isPositive();
        assertThat(xids.size() - committed).as("some transactions abort").isPositive();
      } finally {
        participants.forEach(ParticipantProcess::sigkill);
      }
    }
  }

  private static void runOne(
      TransactionServiceBlockingStub tx,
      List<ParticipantProcess> participants,
      int i,
      Protocol protocol,
      Map<Integer, String> xids,
      Map<String, Integer> failures) {
    TransactionServiceBlockingStub stub = tx.withDeadline(Deadline.after(10, TimeUnit.SECONDS));
    String xid;
    try {
      xid =
          stub.begin(BeginRequest.newBuilder().setProtocol(protocol).setTimeoutMs(3_000).build())
              .getXid();
    } catch (StatusRuntimeException e) {
      return;
    }
    xids.put(i, xid);
    boolean all = true;
    for (ParticipantProcess p : participants) {
      String failure = p.write(xid, "t" + i, amountOf(i));
      if (failure != null) {
        failures.merge(
            p.name() + ": " + failure.replaceAll("[0-9]+-[0-9]+", "<xid>"), 1, Integer::sum);
        all = false;
        p.awaitServing(Duration.ofSeconds(60)); // killed: the next transaction waits for it
        break;
      }
    }
    try {
      if (all) {
        stub.commit(CommitRequest.newBuilder().setXid(xid).build());
      } else {
        stub.rollback(RollbackRequest.newBuilder().setXid(xid).build());
      }
    } catch (StatusRuntimeException e) {
      // The outcome is whatever the coordinator logged; the checks read it afterwards.
    }
  }

  private static String amountOf(int i) {
    return (i * 7 % 1000) + "." + String.format("%02d", i % 100);
  }
}
