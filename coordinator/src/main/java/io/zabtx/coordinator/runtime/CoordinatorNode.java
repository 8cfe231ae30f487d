package io.zabtx.coordinator.runtime;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.zabtx.coordinator.api.grpc.CoordinatorGrpcService;
import io.zabtx.coordinator.api.grpc.ForwardedCall;
import io.zabtx.coordinator.api.grpc.TransactionGrpcService;
import io.zabtx.coordinator.config.ClusterLayout;
import io.zabtx.coordinator.config.Member;
import io.zabtx.coordinator.engine.TxEngine;
import io.zabtx.coordinator.log.DecisionLog;
import io.zabtx.coordinator.participant.ParticipantGateway;
import io.zabtx.replication.core.ZabConfig;
import io.zabtx.replication.runtime.ZabNode;
import io.zabtx.replication.runtime.ZabNodeConfig;
import io.zabtx.replication.storage.StorageOptions;
import io.zabtx.replication.transport.GrpcPeerTransport;
import io.zabtx.replication.transport.TransportConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One coordinator node, assembled: the decision log replicated by a {@link ZabNode} over the gRPC
 * peer transport, the transaction engine on its {@link TxRuntime} thread, the {@link
 * ParticipantGateway}, the {@link LocalCoordinator} API and the gRPC server that serves it. The
 * Spring application wraps one; tests start several in one JVM.
 */
public final class CoordinatorNode implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(CoordinatorNode.class.getName());

  private final NodeOptions options;
  private final DecisionLog log;
  private final ZabNode zab;
  private final ParticipantGateway gateway;
  private final TxRuntime runtime;
  private final LocalCoordinator api;
  private Server grpcServer;

  private CoordinatorNode(NodeOptions options, MeterRegistry registry, LongSupplier clock) {
    this.options = options;
    ClusterLayout layout = options.layout();
    Member self = layout.self();
    this.log = new DecisionLog();
    ZabConfig protocol = ZabConfig.of(self.id(), layout.members().keySet(), Set.of());
    ZabNodeConfig zabConfig =
        ZabNodeConfig.of(protocol, layout.dataDir())
            .withTick(options.tick())
            .withSnapshotEveryEntries(options.snapshotEveryEntries())
            .withStorage(
                StorageOptions.defaults()
                    .withSegmentBytes(options.segmentBytes())
                    .withFsync(options.fsync()));
    TransportConfig transport =
        TransportConfig.of(
            options.clusterId(),
            self.id(),
            options.bindHost(),
            self.peerPort(),
            layout.peerAddresses());
    this.zab = ZabNode.create(zabConfig, log, new GrpcPeerTransport(transport), registry);
    this.gateway = new ParticipantGateway(options.gateway(), registry);
    this.runtime =
        new TxRuntime(
            new TxEngine(options.engine(), log),
            log,
            zab,
            gateway::send,
            clock,
            options.maxPendingRequests());
    this.api = new LocalCoordinator(runtime, log, zab, layout, options.forwardTimeout(), registry);
  }

  /**
   * Creates and starts a node: opens storage (restoring the decision log), starts the engine's
   * thread, the ZAB node and the gRPC API.
   *
   * @throws UncheckedIOException if storage cannot be opened or the gRPC port cannot be bound
   */
  public static CoordinatorNode start(
      NodeOptions options, MeterRegistry registry, LongSupplier clock) {
    CoordinatorNode n = new CoordinatorNode(options, registry, clock);
    try {
      n.runtime.start();
      n.zab.start();
      n.grpcServer = n.startGrpc();
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private Server startGrpc() {
    Member self = options.layout().self();
    ForwardedCall marker = new ForwardedCall();
    try {
      return NettyServerBuilder.forAddress(
              new InetSocketAddress(options.bindHost(), self.grpcPort()))
          .addService(ServerInterceptors.intercept(new TransactionGrpcService(api), marker))
          .addService(ServerInterceptors.intercept(new CoordinatorGrpcService(api), marker))
          // Handlers validate and enqueue; they never block, so no executor hop is needed.
          .directExecutor()
          .maxInboundMessageSize(options.maxInboundMessageBytes())
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for gRPC on "
              + options.bindHost()
              + ":"
              + self.grpcPort()
              + " (in use? set zabtx.grpc.port or this node's zabtx.cluster.members entry)",
          e);
    }
  }

  /** The API this node serves (also to the REST controllers). */
  public LocalCoordinator api() {
    return api;
  }

  public ZabNode zab() {
    return zab;
  }

  public TxRuntime runtime() {
    return runtime;
  }

  public DecisionLog log() {
    return log;
  }

  public ParticipantGateway gateway() {
    return gateway;
  }

  public long id() {
    return options.layout().self().id();
  }

  /** The port the gRPC API listens on. */
  public int grpcPort() {
    return grpcServer.getPort();
  }

  /** Stops the gRPC API, the engine, the gateway and the ZAB node (in that order). Idempotent. */
  @Override
  public void close() {
    if (grpcServer != null) {
      grpcServer.shutdownNow();
    }
    runtime.close();
    api.close();
    gateway.close();
    zab.close();
    LOG.log(Level.DEBUG, "coordinator node {0} stopped", id());
  }
}
