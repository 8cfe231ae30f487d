package io.zabtx.participant;

import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.participant.branch.BranchConfig;
import io.zabtx.participant.jdbc.DtxDataSource;
import io.zabtx.participant.runtime.CoordinatorClient;
import io.zabtx.participant.runtime.ParticipantRuntime;
import io.zabtx.participant.runtime.ParticipantServer;
import io.zabtx.participant.store.DtxDatabase;
import io.zabtx.participant.store.Durability;
import io.zabtx.participant.store.JdbcBranchStore;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant, assembled: the application's database checked and given the SDK's tables, the
 * branch store, the runtime that drives the branch engine, the participant gRPC endpoint the
 * coordinator calls, and the {@link #dataSource() wrapped DataSource} the application writes
 * through. This is the plain-Java way in; the Spring Boot auto-configuration builds the same thing
 * from {@code zabtx.participant.*}.
 *
 * <pre>{@code
 * Participant p = Participant.builder()
 *     .dataSource(h2)                          // the application's own DataSource
 *     .resource("bank-a")
 *     .coordinators(List.of("coord-1:9090", "coord-2:9090", "coord-3:9090"))
 *     .listen("0.0.0.0", 9191)
 *     .start();                                // recovers unfinished branches first
 * DataSource ds = p.dataSource();              // write through this one
 * }</pre>
 *
 * <p>{@link #start} recovers every unfinished branch from {@code dtx_branch} before the endpoint
 * serves. {@link #close} stops the endpoint, then the runtime, then the coordinator client;
 * branches still unfinished stay in the database and resume at the next start.
 */
public final class Participant implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Participant.class);

  private final DtxDataSource dataSource;
  private final ParticipantRuntime runtime;
  private final ParticipantServer server;
  private final CoordinatorClient coordinators;

  private Participant(
      DtxDataSource dataSource,
      ParticipantRuntime runtime,
      ParticipantServer server,
      CoordinatorClient coordinators) {
    this.dataSource = dataSource;
    this.runtime = runtime;
    this.server = server;
    this.coordinators = coordinators;
  }

  /** A builder; {@link Builder#dataSource} and {@link Builder#coordinators} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The DataSource to write through: every write under a bound xid gets its undo record. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** The endpoint registered with the coordinator ({@code host:port}). */
  public String endpoint() {
    return server.advertisedEndpoint();
  }

  /** The port the participant endpoint listens on. */
  public int port() {
    return server.port();
  }

  /** What a committed vote or acknowledgement survives on this database. */
  public Durability durability() {
    return dataSource.database().durability();
  }

  /** The runtime (for metrics and tests). */
  public ParticipantRuntime runtime() {
    return runtime;
  }

  @Override
  public void close() {
    server.close();
    runtime.close();
    coordinators.close();
  }

  /** Configuration of a {@link Participant}; defaults suit one service on one host. */
  public static final class Builder {
    private DataSource dataSource;
    private String resource = "default";
    private List<String> coordinators = List.of();
    private String host = "0.0.0.0";
    private int port;
    private String advertisedEndpoint;
    private Duration lockWait = DtxDataSource.DEFAULT_LOCK_WAIT;
    private BranchConfig branchConfig = BranchConfig.defaults();
    private boolean createTables = true;
    private Duration tick = Duration.ofMillis(50);
    private Duration callTimeout = Duration.ofSeconds(2);
    private MeterRegistry meterRegistry;
    private final List<ServerInterceptor> interceptors = new ArrayList<>();

    private Builder() {}

    /**
     * Adds an interceptor to the participant endpoint (authentication, tracing, or a test's fault
     * injection); the coordinator's phase messages pass through it.
     */
    public Builder serverInterceptor(ServerInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** The application's own DataSource (H2 or PostgreSQL); the SDK wraps it. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** Names this database to the coordinator and in messages (default {@code default}). */
    public Builder resource(String resource) {
      this.resource = Objects.requireNonNull(resource, "resource");
      return this;
    }

    /** The coordinators' gRPC addresses ({@code host:port}); any node will do, all are tried. */
    public Builder coordinators(List<String> hostPorts) {
      this.coordinators = List.copyOf(hostPorts);
      return this;
    }

    /** Where the participant endpoint listens (default {@code 0.0.0.0}, port 0 = any free). */
    public Builder listen(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /**
     * The {@code host:port} the coordinator should call (for containers and Kubernetes: the service
     * or pod name); default the listening address, or this host's address when listening on all
     * interfaces.
     */
    public Builder advertisedEndpoint(String endpoint) {
      this.advertisedEndpoint = endpoint;
      return this;
    }

    /** How long a write waits for a row another global transaction holds (default 2 s). */
    public Builder lockWait(Duration lockWait) {
      this.lockWait = Objects.requireNonNull(lockWait, "lockWait");
      return this;
    }

    /** Branch limits and timings (default {@link BranchConfig#defaults()}). */
    public Builder branchConfig(BranchConfig config) {
      this.branchConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Whether missing SDK tables are created (default) or must already exist. */
    public Builder createTables(boolean create) {
      this.createTables = create;
      return this;
    }

    /** How often deadlines are checked (default 50 ms). */
    public Builder tick(Duration tick) {
      this.tick = Objects.requireNonNull(tick, "tick");
      return this;
    }

    /** Deadline of one call to a coordinator node (default 2 s). */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Where the SDK's metrics go (default a private registry). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Checks the database (dialect, durability, tables), recovers unfinished branches and starts
     * the endpoint.
     *
     * @throws SQLException when the database is unsupported, not durable, its tables are wrong, or
     *     recovery cannot read them; nothing is left running
     * @throws IllegalArgumentException when no coordinator address is given
     */
    public Participant start() throws SQLException {
      Objects.requireNonNull(dataSource, "dataSource: give the application's DataSource");
      if (coordinators.isEmpty()) {
        throw new IllegalArgumentException(
            "no coordinator addresses: give at least one host:port of a coordinator's gRPC API");
      }
      MeterRegistry registry = meterRegistry != null ? meterRegistry : new SimpleMeterRegistry();
      Clock clock = Clock.systemUTC();
      DtxDatabase db = DtxDatabase.open(dataSource, createTables);
      List<AutoCloseable> opened = new ArrayList<>();
      try {
        CoordinatorClient client =
            CoordinatorClient.builder(coordinators)
                .callTimeout(callTimeout)
                .meterRegistry(registry)
                .build();
        opened.add(client);
        ParticipantRuntime.Builder rb =
            ParticipantRuntime.builder(new JdbcBranchStore(db, clock), client)
                .branchConfig(branchConfig)
                .resource(resource)
                .tick(tick)
                .meterRegistry(registry);
        if (advertisedEndpoint != null) {
          rb.advertisedEndpoint(advertisedEndpoint);
        }
        ParticipantRuntime runtime = rb.build();
        opened.add(runtime);
        runtime.start();
        ParticipantServer.Builder sb = ParticipantServer.builder(runtime).host(host).port(port);
        interceptors.forEach(sb::interceptor);
        if (advertisedEndpoint != null) {
          sb.advertisedEndpoint(advertisedEndpoint);
        }
        ParticipantServer server = sb.build();
        opened.add(server);
        server.start();
        DtxDataSource wrapped = new DtxDataSource(db, runtime, resource, lockWait, clock);
        WrapperMetrics.bind(registry, wrapped.stats());
        log.info(
            "participant '{}' serves at {} ({}); coordinators {}",
            resource,
            server.advertisedEndpoint(),
            db.durability().summary(),
            coordinators);
        return new Participant(wrapped, runtime, server, client);
      } catch (SQLException | RuntimeException e) {
        for (int i = opened.size() - 1; i >= 0; i--) {
          try {
            opened.get(i).close();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    }
  }
}
