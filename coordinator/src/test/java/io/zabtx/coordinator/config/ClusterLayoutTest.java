package io.zabtx.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.util.unit.DataSize;

/** Every configuration mistake stops start-up with one line that says what to fix. */
class ClusterLayoutTest {

  @TempDir Path dir;

  private ClusterProperties cluster(long nodeId, List<String> members, Path data) {
    return new ClusterProperties(
        nodeId,
        "zabtx",
        members,
        "127.0.0.1",
        7070,
        data,
        Duration.ofMillis(10),
        DataSize.ofMegabytes(64),
        true,
        100_000);
  }

  private static final GrpcProperties GRPC = new GrpcProperties(9090, DataSize.ofMegabytes(1));

  @Test
  void nothingConfiguredIsASingleNodeEnsembleWithItsDataUnderTheDataDir() {
    ClusterLayout l = ClusterLayout.of(cluster(1, List.of(), dir), GRPC, 8080);
    assertThat(l.members()).containsOnlyKeys(1L);
    assertThat(l.self().grpcPort()).isEqualTo(9090);
    assertThat(l.self().peerPort()).isEqualTo(7070);
    assertThat(l.dataDir()).isEqualTo(dir.resolve("node-1").toAbsolutePath().normalize());
    assertThat(l.dataDir()).isDirectory();
  }

  @Test
  void aMemberListMakesAClusterNode() {
    ClusterLayout l =
        ClusterLayout.of(
            cluster(
                2,
                List.of(
                    "1=10.0.0.1:7070:9090:8080",
                    "2=10.0.0.2:7070:9090",
                    "3=c3.local:7070:9090:8080"),
                dir),
            GRPC,
            8081);
    assertThat(l.members()).containsOnlyKeys(1L, 2L, 3L);
    assertThat(l.self().host()).isEqualTo("10.0.0.2");
    assertThat(l.self().httpPort()).as("taken from server.port when not listed").isEqualTo(8081);
    assertThat(l.members().get(3L).grpcAddress()).isEqualTo("c3.local:9090");
  }

  @Test
  void duplicateIdsAreRefused() {
    assertOneLine(
        () -> ClusterLayout.of(cluster(1, List.of("1=a:1:2", "1=b:1:2"), dir), GRPC, 8080),
        "lists node id 1 twice");
  }

  @Test
  void anOwnIdThatIsNotAMemberIsRefused() {
    assertOneLine(
        () -> ClusterLayout.of(cluster(4, List.of("1=a:1:2", "2=b:1:2", "3=c:1:2"), dir), GRPC, 1),
        "zabtx.cluster.node-id 4 is not in zabtx.cluster.members");
  }

  @Test
  void malformedEntriesAndPortsAreRefused() {
    assertOneLine(
        () -> ClusterLayout.of(cluster(1, List.of("1:a:1:2"), dir), GRPC, 1), "is malformed");
    assertOneLine(
        () -> ClusterLayout.of(cluster(1, List.of("x=a:1:2"), dir), GRPC, 1), "non-numeric id");
    assertOneLine(
        () -> ClusterLayout.of(cluster(1, List.of("1=a:99999:2"), dir), GRPC, 1),
        "invalid port '99999'");
    assertOneLine(
        () -> ClusterLayout.of(cluster(1, List.of("1=a:1"), dir), GRPC, 1), "is malformed");
    assertOneLine(
        () -> ClusterLayout.of(cluster(1, List.of("1=a:7:7"), dir), GRPC, 1),
        "uses address a:7 twice");
  }

  @Test
  void anUnwritableDataDirIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertOneLine(
        () -> ClusterLayout.of(cluster(1, List.of(), file), GRPC, 1),
        "zabtx.cluster.data-dir: cannot write to");
  }

  @Test
  void theFailureAnalyzerSaysWhatToFix() {
    FailureAnalysis a =
        new InvalidConfigurationFailureAnalyzer()
            .analyze(new IllegalStateException(new InvalidConfigurationException("bad thing")));
    assertThat(a.getDescription()).isEqualTo("ZabTX coordinator configuration: bad thing");
    assertThat(a.getAction()).contains("Fix the zabtx.* setting");
  }

  private static void assertOneLine(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String part) {
    assertThatThrownBy(call)
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(part)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
