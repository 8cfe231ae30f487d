package io.zabtx.coordinator.runtime;

import io.zabtx.coordinator.config.ClusterLayout;
import io.zabtx.coordinator.engine.EngineConfig;
import io.zabtx.coordinator.participant.GatewayConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link CoordinatorNode} needs, independent of Spring (the Spring configuration
 * builds one from {@code zabtx.*}; tests build them directly).
 *
 * @param layout this node, its peers and its data directory
 * @param clusterId the ensemble's name
 * @param bindHost the address the peer and gRPC servers listen on
 * @param engine transaction limits and timeouts
 * @param gateway how participants are called
 * @param tick the length of one ZAB tick
 * @param segmentBytes the size of one ZAB log segment
 * @param fsync whether the ZAB log is forced to disk before acknowledging
 * @param snapshotEveryEntries decision-log snapshot interval
 * @param maxInboundMessageBytes the largest gRPC request accepted
 * @param maxPendingRequests requests waiting for the engine's thread
 * @param forwardTimeout how long a forwarded call may take
 */
public record NodeOptions(
    ClusterLayout layout,
    String clusterId,
    String bindHost,
    EngineConfig engine,
    GatewayConfig gateway,
    Duration tick,
    int segmentBytes,
    boolean fsync,
    long snapshotEveryEntries,
    int maxInboundMessageBytes,
    int maxPendingRequests,
    Duration forwardTimeout) {

  public NodeOptions {
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(tick, "tick");
    Objects.requireNonNull(forwardTimeout, "forwardTimeout");
  }

  /** Defaults for everything but the layout: what {@code java -jar} uses with nothing set. */
  public static NodeOptions defaults(ClusterLayout layout) {
    return new NodeOptions(
        layout,
        "zabtx",
        "0.0.0.0",
        EngineConfig.defaults(),
        GatewayConfig.defaults(),
        Duration.ofMillis(10),
        64 << 20,
        true,
        100_000,
        1 << 20,
        20_000,
        Duration.ofSeconds(10));
  }

  /** A copy with another engine configuration. */
  public NodeOptions withEngine(EngineConfig e) {
    return new NodeOptions(
        layout,
        clusterId,
        bindHost,
        e,
        gateway,
        tick,
        segmentBytes,
        fsync,
        snapshotEveryEntries,
        maxInboundMessageBytes,
        maxPendingRequests,
        forwardTimeout);
  }

  /** A copy with another log segment size (tests use small ones). */
  public NodeOptions withSegmentBytes(int bytes) {
    return new NodeOptions(
        layout,
        clusterId,
        bindHost,
        engine,
        gateway,
        tick,
        bytes,
        fsync,
        snapshotEveryEntries,
        maxInboundMessageBytes,
        maxPendingRequests,
        forwardTimeout);
  }

  /** A copy listening on another address. */
  public NodeOptions withBindHost(String host) {
    return new NodeOptions(
        layout,
        clusterId,
        host,
        engine,
        gateway,
        tick,
        segmentBytes,
        fsync,
        snapshotEveryEntries,
        maxInboundMessageBytes,
        maxPendingRequests,
        forwardTimeout);
  }
}
