package io.zabtx.participant.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zabtx.coordinator.cluster.CoordinatorCluster;
import io.zabtx.participant.annotation.GlobalTransactional;
import io.zabtx.participant.client.DtxClient;
import io.zabtx.participant.client.TxStatus;
import io.zabtx.participant.context.DtxContext;
import io.zabtx.participant.jdbc.DtxDataSource;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;

/**
 * The SDK in a Spring Boot service, configured only by {@code zabtx.participant.*} and {@code
 * spring.datasource.*}, against a real coordinator: the DataSource bean is wrapped and its
 * participant started, {@code @GlobalTransactional} commits on return and rolls back on an
 * exception (the database restored by the coordinator's abort), and the xid travels on a
 * RestTemplate from Boot's builder and is bound by the servlet filter on the way in.
 */
@SpringBootTest(
    classes = ParticipantAutoConfigurationTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      // the coordinator's jar (a test dependency here) carries an application.yml: not ours
      "spring.config.name=participant-autoconfig-test",
      "spring.application.name=bank-test",
      "spring.sql.init.mode=always",
      "zabtx.participant.endpoint.host=127.0.0.1",
      "zabtx.participant.endpoint.port=0"
    })
class ParticipantAutoConfigurationTest {

  private static final CoordinatorCluster CLUSTER;
  private static final Path DB;

  static {
    try {
      Path root = Files.createTempDirectory("zabtx-autoconfig-");
      DB = root.resolve("bank");
      CLUSTER = new CoordinatorCluster(root.resolve("coordinator"), 1);
      CLUSTER.start();
      CLUSTER.awaitLeader(Duration.ofSeconds(30));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    r.add("zabtx.participant.coordinators", () -> String.join(",", CLUSTER.grpcAddresses()));
    r.add("spring.datasource.url", () -> "jdbc:h2:file:" + DB + ";WRITE_DELAY=0");
    r.add("spring.datasource.username", () -> "sa");
    r.add("spring.sql.init.schema-locations", () -> "classpath:autoconfig-schema.sql");
  }

  @AfterAll
  static void stopCluster() {
    CLUSTER.close();
  }

  @Autowired DataSource dataSource;
  @Autowired JdbcTemplate jdbc;
  @Autowired Transfers transfers;
  @Autowired DtxClient client;
  @Autowired RestTemplateBuilder restBuilder;
  @LocalServerPort int port;

  @BeforeEach
  void resetAccounts() {
    jdbc.update("MERGE INTO account(id, balance) KEY(id) VALUES (1, 100.00), (2, 100.00)");
  }

  @Test
  void theDataSourceBeanIsWrappedAndItsParticipantServes() throws Exception {
    assertThat(dataSource.isWrapperFor(DtxDataSource.class)).isTrue();
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM dtx_branch", Integer.class)).isNotNull();
  }

  @Test
  void globalTransactionalCommitsOnReturn() {
    String xid = transfers.move(1, 2, new BigDecimal("30.00"), false);

    assertThat(balances())
        .containsEntry(1, new BigDecimal("70.00"))
        .containsEntry(2, new BigDecimal("130.00"));
    assertThat(client.status(xid).status().isCommitted()).isTrue();
  }

  @Test
  void globalTransactionalRollsBackOnAnExceptionAndTheDatabaseIsRestored() {
    AtomicReference<String> xid = new AtomicReference<>();
    assertThatThrownBy(() -> transfers.moveThenFail(1, 2, new BigDecimal("30.00"), xid))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refused after writing");

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(client.status(xid.get()).status()).isEqualTo(TxStatus.ABORTED);
              assertThat(balances())
                  .containsEntry(1, new BigDecimal("100.00"))
                  .containsEntry(2, new BigDecimal("100.00"));
            });
  }

  @Test
  void theXidTravelsOnRestTemplateCallsAndIsBoundOnTheWayIn() {
    RestTemplate rest = restBuilder.build();
    String seen;
    try (DtxContext.Scope s = DtxContext.bind("7-42")) {
      seen = rest.getForObject("http://127.0.0.1:" + port + "/xid", String.class);
    }
    assertThat(seen).isEqualTo("7-42");
    assertThat(rest.getForObject("http://127.0.0.1:" + port + "/xid", String.class))
        .isEqualTo("none");
  }

  private Map<Integer, BigDecimal> balances() {
    return jdbc.query(
        "SELECT id, balance FROM account",
        rs -> {
          Map<Integer, BigDecimal> m = new java.util.TreeMap<>();
          while (rs.next()) {
            m.put(rs.getInt(1), rs.getBigDecimal(2));
          }
          return m;
        });
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    Transfers transfers(JdbcTemplate jdbc) {
      return new Transfers(jdbc);
    }

    @Bean
    XidEcho xidEcho() {
      return new XidEcho();
    }
  }

  /** Business code: two updates in one global transaction. */
  @Service
  static class Transfers {
    private final JdbcTemplate jdbc;

    Transfers(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @GlobalTransactional(timeoutMillis = 10_000)
    public String move(int from, int to, BigDecimal amount, boolean fail) {
      jdbc.update("UPDATE account SET balance = balance - ? WHERE id = ?", amount, from);
      jdbc.update("UPDATE account SET balance = balance + ? WHERE id = ?", amount, to);
      if (fail) {
        throw new IllegalStateException("refused after writing");
      }
      return DtxContext.currentXid().orElseThrow();
    }

    @GlobalTransactional(timeoutMillis = 10_000)
    public void moveThenFail(int from, int to, BigDecimal amount, AtomicReference<String> xid) {
      xid.set(DtxContext.currentXid().orElseThrow());
      move(from, to, amount, true);
    }
  }

  @RestController
  static class XidEcho {
    @GetMapping("/xid")
    String xid() {
      return DtxContext.currentXid().orElse("none");
    }
  }
}
