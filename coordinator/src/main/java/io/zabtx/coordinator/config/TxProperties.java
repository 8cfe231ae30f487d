package io.zabtx.coordinator.config;

import io.zabtx.coordinator.engine.EngineConfig;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code zabtx.tx.*}: transaction timeouts and limits (see {@link EngineConfig} for each).
 *
 * @param defaultTimeout the global deadline when a begin asks for none
 * @param maxTimeout the longest deadline a begin may ask for
 * @param voteTimeout how long phase 1 waits for every vote
 * @param phaseTimeout how long one delivery attempt of a phase message may take
 * @param phase2RetryMin first delay before a failed phase-2 delivery is sent again
 * @param phase2RetryMax longest such delay
 * @param abortAttempts attempts to tell an unreachable branch to abort
 * @param maxInFlight unfinished transactions before begin answers OVERLOADED
 * @param maxBranches branches per transaction
 * @param maxPhase2Backlog branches waiting for a phase-2 acknowledgement
 * @param completedBatchMax xids per Completed record
 * @param completedFlush how long a completed xid waits for others to share its record
 * @param retention how long finished transactions stay queryable
 * @param maxRetained finished transactions kept in the leader's memory
 * @param overloadRetryAfter the retry hint given with OVERLOADED
 * @param maxRetainedLogged transactions the decision log keeps on every node: beyond it the oldest
 *     completed ones are forgotten even within the retention (never one whose phase 2 runs); 0 = no
 *     count bound, only the retention
 */
@ConfigurationProperties("zabtx.tx")
public record TxProperties(
    @DefaultValue("60s") Duration defaultTimeout,
    @DefaultValue("5m") Duration maxTimeout,
    @DefaultValue("5s") Duration voteTimeout,
    @DefaultValue("5s") Duration phaseTimeout,
    @DefaultValue("100ms") Duration phase2RetryMin,
    @DefaultValue("10s") Duration phase2RetryMax,
    @DefaultValue("5") int abortAttempts,
    @DefaultValue("10000") int maxInFlight,
    @DefaultValue("64") int maxBranches,
    @DefaultValue("50000") int maxPhase2Backlog,
    @DefaultValue("1000") int completedBatchMax,
    @DefaultValue("5ms") Duration completedFlush,
    @DefaultValue("10m") Duration retention,
    @DefaultValue("10000") int maxRetained,
    @DefaultValue("100ms") Duration overloadRetryAfter,
    @DefaultValue("50000") int maxRetainedLogged) {

  /** The engine's configuration; a value it refuses stops start-up with its message. */
  public EngineConfig toEngineConfig() {
    try {
      return new EngineConfig(
          defaultTimeout.toMillis(),
          maxTimeout.toMillis(),
          voteTimeout.toMillis(),
          phaseTimeout.toMillis(),
          phase2RetryMin.toMillis(),
          phase2RetryMax.toMillis(),
          abortAttempts,
          maxInFlight,
          maxBranches,
          maxPhase2Backlog,
          completedBatchMax,
          completedFlush.toMillis(),
          retention.toMillis(),
          maxRetained,
          overloadRetryAfter.toMillis(),
          maxRetainedLogged);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(
          "zabtx.tx.* values are inconsistent (all positive, max-timeout ≥ default-timeout,"
              + " phase2-retry-max ≥ phase2-retry-min, max-retained-logged ≥ 0): "
              + this);
    }
  }
}
