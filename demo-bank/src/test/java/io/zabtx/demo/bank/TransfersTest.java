package io.zabtx.demo.bank;

import static io.zabtx.demo.bank.BankFixture.get;
import static io.zabtx.demo.bank.BankFixture.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.zabtx.coordinator.cluster.CoordinatorCluster;
import io.zabtx.coordinator.cluster.FreePorts;
import io.zabtx.demo.bank.BankFixture.Reply;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two banks (real Spring Boot applications on the participant SDK, H2 files) against a real 3-node
 * coordinator cluster in this JVM: transfers with both protocols commit at both banks, every
 * refused or failed transfer leaves nothing half-applied, and money is conserved under concurrent
 * transfers. Seeded: {@code -Ddemo.seed=<n>} replays the concurrent mix.
 */
class TransfersTest {
  private static final int ACCOUNTS = 20;
  private static CoordinatorCluster cluster;
  private static BankFixture banks;
  private static String a;
  private static String b;

  @BeforeAll
  static void start() throws Exception {
    Path root = Files.createTempDirectory("zabtx-demo-bank-");
    cluster = new CoordinatorCluster(root.resolve("coordinators"), 3).start();
    cluster.awaitLeader(Duration.ofSeconds(30));
    int pa = FreePorts.next();
    int pb = FreePorts.next();
    a = "http://127.0.0.1:" + pa;
    b = "http://127.0.0.1:" + pb;
    String directory = "bank-a=" + a + ",bank-b=" + b;
    banks = new BankFixture();
    banks.start("bank-a", pa, root, directory, cluster.grpcAddresses());
    banks.start("bank-b", pb, root, directory, cluster.grpcAddresses());
    open(a, "alice", "100.00");
    open(a, "amy", "0");
    open(b, "bob", "50.00");
    for (int i = 0; i < ACCOUNTS; i++) {
      open(a, "a" + i, "1000.00");
      open(b, "b" + i, "1000.00");
    }
  }

  @AfterAll
  static void stop() {
    if (banks != null) {
      banks.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void open(String bank, String id, String balance) {
    Reply r = post(bank + "/api/v1/accounts", Map.of("id", id, "balance", balance));
    assertThat(r.status()).as("open %s: %s", id, r.body()).isEqualTo(201);
  }

  private static BigDecimal balance(String bank, String id) {
    return get(bank + "/api/v1/accounts/" + id).body().get("balance").decimalValue();
  }

  private static Reply transfer(String from, String to, Object amount, String protocol) {
    return post(
        a + "/api/v1/transfers",
        Map.of("from", from, "to", to, "amount", amount, "protocol", protocol));
  }

  private static void awaitSettled() {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                get(a + "/api/v1/audit").body().get("unfinishedBranches").asLong() == 0
                    && get(b + "/api/v1/audit").body().get("unfinishedBranches").asLong() == 0);
  }

  @Test
  void transfersCommitAtBothBanksWithEitherProtocol() {
    BigDecimal alice = balance(a, "alice");
    BigDecimal bob = balance(b, "bob");
    Reply two = transfer("bank-a/alice", "bank-b/bob", "10.00", "2PC");
    assertThat(two.status()).as("%s", two.body()).isEqualTo(200);
    assertThat(two.body().get("status").asText()).isEqualTo("COMMITTED");
    assertThat(two.body().get("xid").asText()).isNotBlank();
    Reply three = transfer("bank-b/bob", "bank-a/alice", 2.5, "3PC");
    assertThat(three.status()).as("%s", three.body()).isEqualTo(200);
    assertThat(three.body().get("protocol").asText()).isEqualTo("3PC");

    assertThat(balance(a, "alice")).isEqualByComparingTo(alice.subtract(new BigDecimal("7.50")));
    assertThat(balance(b, "bob")).isEqualByComparingTo(bob.add(new BigDecimal("7.50")));
    awaitSettled();
  }

  @Test
  void aTransferThatFailsAtTheSecondBankIsUndoneAtTheFirst() {
    BigDecimal alice = balance(a, "alice");
    Reply r = transfer("bank-a/alice", "bank-b/nobody", "5.00", "2PC");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.body().get("status").asText()).isEqualTo("ROLLED_BACK");
    assertThat(r.body().get("xid").asText()).isNotBlank();
    assertThat(r.body().get("detail").asText()).contains("nobody");
    awaitSettled();
    assertThat(balance(a, "alice")).as("the debit was rolled back").isEqualByComparingTo(alice);
  }

  @Test
  void insufficientFundsRollsBackAndChangesNothing() {
    BigDecimal amy = balance(a, "amy");
    BigDecimal bob = balance(b, "bob");
    Reply r = transfer("bank-a/amy", "bank-b/bob", "1.00", "3PC");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.body().get("status").asText()).isEqualTo("ROLLED_BACK");
    assertThat(r.body().get("detail").asText()).contains("insufficient funds");
    awaitSettled();
    assertThat(balance(a, "amy")).isEqualByComparingTo(amy);
    assertThat(balance(b, "bob")).isEqualByComparingTo(bob);
  }

  @Test
  void malformedTransfersAreRefusedBeforeAnyTransactionBegins() {
    BigDecimal alice = balance(a, "alice");
    Object[][] bad = {
      {"bank-a/alice", "bank-b/bob", "0", "2PC", 400},
      {"bank-a/alice", "bank-b/bob", "-1.00", "2PC", 400},
      {"bank-a/alice", "bank-b/bob", "ten", "2PC", 400},
      {"bank-a/alice", "bank-b/bob", "1.001", "2PC", 400},
      {"bank-a/alice", "bank-b/bob", "1e12", "2PC", 400},
      {"bank-a/alice", "bank-b/bob", "1.00", "4PC", 400},
      {"bank-a/alice", "bank-a/alice", "1.00", "2PC", 400},
      {"alice", "bank-b/bob", "1.00", "2PC", 400},
      {"bank-z/alice", "bank-b/bob", "1.00", "2PC", 404},
    };
    for (Object[] c : bad) {
      Reply r = transfer((String) c[0], (String) c[1], c[2], (String) c[3]);
      assertThat(r.status()).as("%s -> %s", List.of(c), r.body()).isEqualTo(c[4]);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.body().get("detail").asText()).isNotBlank();
      assertThat(r.body().has("xid")).as("no transaction was begun").isFalse();
    }
    Reply garbage = post(a + "/api/v1/transfers", "{not json");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.contentType()).startsWith("application/problem+json");
    assertThat(balance(a, "alice")).isEqualByComparingTo(alice);
  }

  @Test
  void branchOperationsNeedAnXid() {
    Reply r = post(a + "/api/v1/accounts/alice/debit", Map.of("amount", "1.00"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().get("detail").asText()).contains("Dtx-Xid");
    assertThat(get(a + "/api/v1/accounts/nobody").status()).isEqualTo(404);
    Reply dup = post(a + "/api/v1/accounts", Map.of("id", "alice"));
    assertThat(dup.status()).isEqualTo(409);
  }

  @Test
  void concurrentTransfersConserveMoney() throws Exception {
    long seed = Long.getLong("demo.seed", System.nanoTime());
    System.out.println("TransfersTest seed " + seed + " (replay: -Ddemo.seed=" + seed + ")");
    awaitSettled();
    BigDecimal before = total();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Reply>> replies = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 80; i++) {
      boolean aToB = random.nextBoolean();
      String from = (aToB ? "bank-a/a" : "bank-b/b") + random.nextInt(ACCOUNTS);
      String to = (aToB ? "bank-b/b" : "bank-a/a") + random.nextInt(ACCOUNTS);
      String amount = random.nextInt(1, 5000) / 100 + "." + random.nextInt(10, 100);
      String protocol = random.nextBoolean() ? "2PC" : "3PC";
      replies.add(pool.submit(() -> transfer(from, to, amount, protocol)));
    }
    int committed = 0;
    Map<String, Integer> refusals = new java.util.TreeMap<>();
    for (Future<Reply> f : replies) {
      Reply r = f.get(60, TimeUnit.SECONDS);
      if (r.status() == 200) {
        committed++;
      } else {
        refusals.merge(
            r.body().get("detail").asText().replaceAll("[0-9a-f]{8,}\\S*", "#"), 1, Integer::sum);
        // only a busy row may refuse a transfer here (two transfers crossing in opposite
        // directions wait for each other until one's lock wait ends), and it must roll back
        assertThat(r.status()).as("%s", r.body()).isEqualTo(409);
        assertThat(r.body().get("status").asText()).isEqualTo("ROLLED_BACK");
        assertThat(r.body().get("detail").asText()).contains("is locked by global transaction");
      }
    }
    pool.shutdown();
    System.out.println("committed " + committed + "; refused: " + refusals);
    assertThat(committed)
        .as("most transfers commit (refused: %s)", refusals)
        .isGreaterThanOrEqualTo(40);
    awaitSettled();
    assertThat(total()).as("money is conserved").isEqualByComparingTo(before);

    String metrics = BankFixture.getText(a + "/actuator/prometheus");
    assertThat(metrics)
        .contains("zabtx_demo_transfers_seconds_count{bank=\"bank-a\",outcome=\"committed\"")
        .contains("zabtx_participant_branches{bank=\"bank-a\"")
        .contains("zabtx_participant_statement_plans{bank=\"bank-a\"");
  }

  private static BigDecimal total() {
    JsonNode x = get(a + "/api/v1/audit").body();
    JsonNode y = get(b + "/api/v1/audit").body();
    return x.get("total").decimalValue().add(y.get("total").decimalValue());
  }
}
