package io.zabtx.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole application as {@code java -jar} runs it with nothing configured (a single-node
 * ensemble), on random ports and a temp data directory: a transaction over REST, readiness with the
 * ZAB indicator, Prometheus metrics, the OpenAPI document.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CoordinatorApplicationTest {

  @TempDir static Path data;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    r.add("zabtx.cluster.data-dir", () -> data.toString());
    r.add("zabtx.cluster.peer-port", () -> 0);
    r.add("zabtx.grpc.port", () -> 0);
    r.add("zabtx.cluster.segment-size", () -> "1MB");
  }

  @Autowired TestRestTemplate http;

  @Test
  @SuppressWarnings("unchecked")
  void aSingleNodeCoordinatorCommitsOverRestAndReportsHealthAndMetrics() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.getForEntity("/actuator/health/readiness", String.class).getStatusCode()
                    == HttpStatus.OK);
    ResponseEntity<Map> begun =
        http.postForEntity("/api/v1/transactions", Map.of("protocol", "2PC"), Map.class);
    assertThat(begun.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    String xid = (String) begun.getBody().get("xid");
    assertThat(xid).matches("[0-9]+-1");

    ResponseEntity<Map> committed =
        http.postForEntity(
            "/api/v1/transactions/" + xid + "/commit?wait=completion", null, Map.class);
    assertThat(committed.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(committed.getBody().get("status")).isEqualTo("COMMITTED");

    ResponseEntity<String> health = http.getForEntity("/actuator/health/readiness", String.class);
    assertThat(health.getBody()).contains("\"zab\"").contains("LEADING");

    String prometheus = http.getForObject("/actuator/prometheus", String.class);
    assertThat(prometheus)
        .contains("zabtx_tx_begun_total{protocol=\"2PC\"} 1.0")
        .contains("zabtx_tx_finished_total")
        .contains("zab_");

    assertThat(http.getForEntity("/v3/api-docs", String.class).getBody())
        .contains("/api/v1/transactions");
  }
}
