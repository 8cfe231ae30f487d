package io.zabtx.coordinator.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.zabtx.coordinator.api.CoordinatorApi;
import io.zabtx.coordinator.runtime.CoordinatorNode;
import io.zabtx.coordinator.runtime.NodeOptions;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds this coordinator node from {@code zabtx.*} and exposes its API to the web layer. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
  ClusterProperties.class,
  GrpcProperties.class,
  TxProperties.class,
  RuntimeProperties.class,
  DeliveryProperties.class
})
class CoordinatorConfiguration {

  @Bean
  ClusterLayout clusterLayout(
      ClusterProperties cluster, GrpcProperties grpc, @Value("${server.port:8080}") int httpPort) {
    return ClusterLayout.of(cluster, grpc, httpPort);
  }

  @Bean
  NodeOptions nodeOptions(
      ClusterLayout layout,
      ClusterProperties cluster,
      GrpcProperties grpc,
      TxProperties tx,
      RuntimeProperties runtime,
      DeliveryProperties participant) {
    long segment = cluster.segmentSize().toBytes();
    if (segment < 1024 || segment > (1L << 30)) {
      throw new InvalidConfigurationException(
          "zabtx.cluster.segment-size must be between 1KB and 1GB, got " + cluster.segmentSize());
    }
    if (cluster.tick().isNegative() || cluster.tick().isZero()) {
      throw new InvalidConfigurationException(
          "zabtx.cluster.tick must be positive, got " + cluster.tick());
    }
    return new NodeOptions(
        layout,
        cluster.clusterId(),
        cluster.bindHost(),
        tx.toEngineConfig(),
        participant.toGatewayConfig(),
        cluster.tick(),
        (int) segment,
        cluster.fsync(),
        cluster.snapshotEveryEntries(),
        (int) Math.min(Integer.MAX_VALUE, grpc.maxInboundMessageSize().toBytes()),
        runtime.maxPendingRequests(),
        runtime.forwardTimeout());
  }

  @Bean(destroyMethod = "close")
  CoordinatorNode coordinatorNode(NodeOptions options, MeterRegistry registry) {
    return CoordinatorNode.start(options, registry, System::currentTimeMillis);
  }

  @Bean
  CoordinatorApi coordinatorApi(CoordinatorNode node) {
    return node.api();
  }
}
