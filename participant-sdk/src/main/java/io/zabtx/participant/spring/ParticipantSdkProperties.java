package io.zabtx.participant.spring;

import io.zabtx.participant.branch.BranchConfig;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code zabtx.participant.*}: the participant SDK in a Spring Boot service.
 *
 * @param enabled whether the SDK configures anything at all
 * @param coordinators the coordinators' gRPC addresses ({@code host:port}); any node will do
 * @param resource names this service's database to the coordinator (default {@code
 *     spring.application.name})
 * @param endpoint the participant endpoint the coordinator calls
 * @param datasource which DataSource is wrapped and how
 * @param branch branch limits and timings
 * @param client the client side: begin, commit, rollback
 */
@ConfigurationProperties("zabtx.participant")
public record ParticipantSdkProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("localhost:9090") List<String> coordinators,
    String resource,
    @DefaultValue Endpoint endpoint,
    @DefaultValue Datasource datasource,
    @DefaultValue Branch branch,
    @DefaultValue Client client) {

  /**
   * {@code zabtx.participant.endpoint.*}.
   *
   * @param host the interface the endpoint listens on
   * @param port its port (0 picks a free one)
   * @param advertised the {@code host:port} the coordinator calls (in containers and Kubernetes:
   *     the service or pod name); default this host's address and the port
   */
  public record Endpoint(
      @DefaultValue("0.0.0.0") String host, @DefaultValue("9191") int port, String advertised) {}

  /**
   * {@code zabtx.participant.datasource.*}.
   *
   * @param wrap whether the application's DataSource bean is wrapped (else no participant starts)
   * @param bean the name of the DataSource bean to wrap; needed only when there are several
   * @param createTables whether missing SDK tables are created (else they must exist)
   * @param lockWait how long a write waits for a row another global transaction holds
   */
  public record Datasource(
      @DefaultValue("true") boolean wrap,
      String bean,
      @DefaultValue("true") boolean createTables,
      @DefaultValue("2s") Duration lockWait) {}

  /**
   * {@code zabtx.participant.branch.*} (see {@link BranchConfig}).
   *
   * @param maxBranches most branches tracked at once
   * @param queryMinBackoff first wait between two outcome queries of one branch
   * @param queryMaxBackoff longest wait between two outcome queries
   * @param heuristicAfter how long a READY/PRECOMMITTED branch past its deadline waits for a quorum
   *     before deciding alone
   * @param terminalRetention how long a finished branch is kept to answer duplicates
   * @param maxQueuedPerBranch phase messages held while one of a branch's steps is in flight
   * @param tick how often deadlines are checked
   * @param callTimeout deadline of one call to a coordinator node
   */
  public record Branch(
      @DefaultValue("10000") int maxBranches,
      @DefaultValue("100ms") Duration queryMinBackoff,
      @DefaultValue("10s") Duration queryMaxBackoff,
      @DefaultValue("60s") Duration heuristicAfter,
      @DefaultValue("10m") Duration terminalRetention,
      @DefaultValue("16") int maxQueuedPerBranch,
      @DefaultValue("50ms") Duration tick,
      @DefaultValue("2s") Duration callTimeout) {

    /** As the engine's configuration; a value it refuses names the property. */
    public BranchConfig toBranchConfig() {
      try {
        return new BranchConfig(
            maxBranches,
            queryMinBackoff.toMillis(),
            queryMaxBackoff.toMillis(),
            heuristicAfter.toMillis(),
            terminalRetention.toMillis(),
            maxQueuedPerBranch);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("zabtx.participant.branch.*: " + e.getMessage(), e);
      }
    }
  }

  /**
   * {@code zabtx.participant.client.*}: how begin, commit, rollback and status reach the cluster.
   *
   * @param callTimeout deadline of one call, failovers included
   * @param maxAttempts most attempts of one call across the coordinators
   * @param backoffInitial first pause after a full round of failed attempts (doubling)
   * @param backoffMax longest pause
   * @param waitForCompletion whether commit answers only after every branch acknowledged phase 2
   */
  public record Client(
      @DefaultValue("10s") Duration callTimeout,
      @DefaultValue("10") int maxAttempts,
      @DefaultValue("100ms") Duration backoffInitial,
      @DefaultValue("2s") Duration backoffMax,
      @DefaultValue("false") boolean waitForCompletion) {}
}
