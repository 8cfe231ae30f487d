package io.zabtx.coordinator.engine;

/**
 * Limits and timeouts of the engine. Every duration is in milliseconds of the injected clock.
 *
 * @param defaultTimeoutMillis the global deadline when a begin asks for none (0)
 * @param maxTimeoutMillis the longest global deadline a begin may ask for
 * @param voteTimeoutMillis how long phase 1 may wait for all votes (capped by the deadline)
 * @param phaseTimeoutMillis how long one phase-2 delivery attempt may take
 * @param phase2RetryMinMillis the first delay before the engine re-sends a phase-2 message whose
 *     delivery failed; doubles per failure of the same branch ...
 * @param phase2RetryMaxMillis ... up to this
 * @param abortAttempts how many times an ABORT is sent to a branch that cannot be reached before
 *     the engine gives up on it (the participant then finds out by asking or by its own deadline)
 * @param maxInFlight the most transactions not yet finished (ACTIVE to phase 2 done); begin beyond
 *     it answers OVERLOADED
 * @param maxBranchesPerTx the most branches one transaction may register
 * @param maxPhase2Backlog the most branches waiting for a phase-2 delivery; a decision that would
 *     exceed it is not taken (commit answers OVERLOADED and the transaction stays PREPARING until
 *     the backlog drains or its deadline passes)
 * @param completedBatchMax the most xids in one Completed record
 * @param completedFlushMillis how long a completed xid may wait for more to batch with
 * @param retentionMillis how long finished transactions stay queryable
 * @param maxRetainedInMemory the most finished transactions the engine keeps in memory (oldest
 *     dropped first; committed ones stay queryable from the log)
 * @param overloadRetryAfterMillis the retry hint given with OVERLOADED
 * @param maxRetainedLogged the most transactions the decision log keeps on every node: each
 *     periodic Forget carries it, and the oldest completed ones are forgotten beyond it even within
 *     the retention period (never one whose phase 2 runs); 0 = no count bound
 */
public record EngineConfig(
    long defaultTimeoutMillis,
    long maxTimeoutMillis,
    long voteTimeoutMillis,
    long phaseTimeoutMillis,
    long phase2RetryMinMillis,
    long phase2RetryMaxMillis,
    int abortAttempts,
    int maxInFlight,
    int maxBranchesPerTx,
    int maxPhase2Backlog,
    int completedBatchMax,
    long completedFlushMillis,
    long retentionMillis,
    int maxRetainedInMemory,
    long overloadRetryAfterMillis,
    int maxRetainedLogged) {

  /** The default of {@link #maxRetainedLogged}. */
  public static final int DEFAULT_MAX_RETAINED_LOGGED = 50_000;

  /** Validates every value. */
  public EngineConfig {
    if (defaultTimeoutMillis < 1
        || maxTimeoutMillis < defaultTimeoutMillis
        || voteTimeoutMillis < 1
        || phaseTimeoutMillis < 1
        || phase2RetryMinMillis < 1
        || phase2RetryMaxMillis < phase2RetryMinMillis
        || abortAttempts < 1
        || maxInFlight < 1
        || maxBranchesPerTx < 1
        || maxPhase2Backlog < 1
        || completedBatchMax < 1
        || completedFlushMillis < 0
        || retentionMillis < 0
        || maxRetainedInMemory < 0
        || overloadRetryAfterMillis < 0
        || maxRetainedLogged < 0) {
      throw new IllegalArgumentException("invalid engine configuration: " + this);
    }
  }

  /** Every value but {@code maxRetainedLogged}, which is {@link #DEFAULT_MAX_RETAINED_LOGGED}. */
  public EngineConfig(
      long defaultTimeoutMillis,
      long maxTimeoutMillis,
      long voteTimeoutMillis,
      long phaseTimeoutMillis,
      long phase2RetryMinMillis,
      long phase2RetryMaxMillis,
      int abortAttempts,
      int maxInFlight,
      int maxBranchesPerTx,
      int maxPhase2Backlog,
      int completedBatchMax,
      long completedFlushMillis,
      long retentionMillis,
      int maxRetainedInMemory,
      long overloadRetryAfterMillis) {
    this(
        defaultTimeoutMillis,
        maxTimeoutMillis,
        voteTimeoutMillis,
        phaseTimeoutMillis,
        phase2RetryMinMillis,
        phase2RetryMaxMillis,
        abortAttempts,
        maxInFlight,
        maxBranchesPerTx,
        maxPhase2Backlog,
        completedBatchMax,
        completedFlushMillis,
        retentionMillis,
        maxRetainedInMemory,
        overloadRetryAfterMillis,
        DEFAULT_MAX_RETAINED_LOGGED);
  }

  /** Production defaults (see docs/coordinator.md, Configuration). */
  public static EngineConfig defaults() {
    return new EngineConfig(
        60_000,
        300_000,
        5_000,
        5_000,
        100,
        10_000,
        5,
        10_000,
        64,
        50_000,
        1_000,
        5,
        600_000,
        10_000,
        100,
        DEFAULT_MAX_RETAINED_LOGGED);
  }

  /** This configuration with {@code maxRetainedLogged} changed. */
  public EngineConfig withMaxRetainedLogged(int maxRetainedLogged) {
    return new EngineConfig(
        defaultTimeoutMillis,
        maxTimeoutMillis,
        voteTimeoutMillis,
        phaseTimeoutMillis,
        phase2RetryMinMillis,
        phase2RetryMaxMillis,
        abortAttempts,
        maxInFlight,
        maxBranchesPerTx,
        maxPhase2Backlog,
        completedBatchMax,
        completedFlushMillis,
        retentionMillis,
        maxRetainedInMemory,
        overloadRetryAfterMillis,
        maxRetainedLogged);
  }
}
