package io.zabtx.participant.runtime;

import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server (Netty, plaintext) that serves a {@link ParticipantRuntime}'s {@link
 * ParticipantGrpcService} on {@code host:port}, and tells the runtime the endpoint to register with
 * the coordinator: the configured advertised endpoint (for containers and Kubernetes, where the
 * bound address is not the one the coordinator reaches), else {@code host:boundPort}, with this
 * machine's address in place of a wildcard host.
 *
 * <p>Threading: {@link #start()} and {@link #close()} are for the owner's thread. Closing the
 * server does not close the runtime: close the server first, then the runtime.
 */
public final class ParticipantServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ParticipantServer.class);

  private final ParticipantRuntime runtime;
  private final String host;
  private final int port;
  private final String configuredEndpoint;
  private final List<ServerInterceptor> interceptors;
  private final int maxInboundMessageBytes;
  private Server server;
  private String advertised;

  private ParticipantServer(Builder b) {
    this.runtime = b.runtime;
    this.host = b.host;
    this.port = b.port;
    this.configuredEndpoint = b.advertisedEndpoint;
    this.interceptors = List.copyOf(b.interceptors);
    this.maxInboundMessageBytes = b.maxInboundMessageBytes;
  }

  /** A builder for a server of {@code runtime}'s phase messages. */
  public static Builder builder(ParticipantRuntime runtime) {
    return new Builder(runtime);
  }

  /**
   * Binds and starts serving, then advertises the endpoint to the runtime.
   *
   * @throws UncheckedIOException if the address cannot be bound
   * @throws IllegalStateException if already started
   */
  public synchronized ParticipantServer start() {
    if (server != null) {
      throw new IllegalStateException("participant server already started on port " + port());
    }
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
              .addService(
                  ServerInterceptors.intercept(new ParticipantGrpcService(runtime), interceptors))
              // Handlers only validate and enqueue; they never block.
              .directExecutor()
              .maxInboundMessageSize(maxInboundMessageBytes)
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for participant gRPC on "
              + host
              + ":"
              + port
              + " (in use? configure another port, or 0 for any free one)",
          e);
    }
    advertised =
        configuredEndpoint != null
            ? configuredEndpoint
            : HostPort.format(reachableHost(host), server.getPort());
    runtime.advertise(advertised);
    LOG.info("participant service listening on {}:{}, advertised as {}", host, port(), advertised);
    return this;
  }

  /** The bound port (the chosen one when configured with 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("participant server not started");
    }
    return server.getPort();
  }

  /** The endpoint sent in RegisterBranch ({@code host:port}). */
  public synchronized String advertisedEndpoint() {
    if (advertised == null) {
      throw new IllegalStateException("participant server not started");
    }
    return advertised;
  }

  /**
   * Stops accepting calls, gives calls in progress up to 2 s, then cancels the rest. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (server == null || server.isShutdown()) {
      return;
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }

  private static String reachableHost(String bindHost) {
    try {
      InetAddress a = InetAddress.getByName(bindHost);
      if (!a.isAnyLocalAddress()) {
        return bindHost;
      }
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return bindHost;
    }
  }

  /** Settings of a {@link ParticipantServer}. */
  public static final class Builder {
    private final ParticipantRuntime runtime;
    private String host = "0.0.0.0";
    private int port;
    private String advertisedEndpoint;
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private int maxInboundMessageBytes = 64 * 1024;

    private Builder(ParticipantRuntime runtime) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    /** The address to listen on (default {@code 0.0.0.0}: every interface). */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    /** The port to listen on, 0 for any free one (default 0). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The {@code host:port} the coordinator should call (e.g. a Kubernetes service name); default
     * the bound host and port.
     */
    public Builder advertisedEndpoint(String endpoint) {
      HostPort.parse(endpoint);
      this.advertisedEndpoint = endpoint;
      return this;
    }

    /** Adds an interceptor around the service (authentication, tracing ...). */
    public Builder interceptor(ServerInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** The largest request accepted (default 64 KiB; phase messages are tiny). */
    public Builder maxInboundMessageBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxInboundMessageBytes must be >= 1024, got " + bytes);
      }
      this.maxInboundMessageBytes = bytes;
      return this;
    }

    /** Creates the server; {@link ParticipantServer#start()} binds it. */
    public ParticipantServer build() {
      return new ParticipantServer(this);
    }
  }
}
