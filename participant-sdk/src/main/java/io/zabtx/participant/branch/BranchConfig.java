package io.zabtx.participant.branch;

/**
 * Limits and timings of a {@link BranchEngine}. All durations in milliseconds.
 *
 * @param maxBranches most branches tracked at once (terminal ones still retained included); new
 *     local work beyond it is refused
 * @param queryMinBackoffMillis first wait between two outcome queries for one branch
 * @param queryMaxBackoffMillis longest wait between two outcome queries (the wait doubles up to it)
 * @param heuristicAfterMillis how long a READY or PRECOMMITTED branch past its deadline waits for a
 *     quorum answer before deciding alone
 * @param terminalRetentionMillis how long a finished branch (and an abort tombstone) is kept to
 *     answer duplicates and refuse late work; should exceed the coordinator's longest transaction
 * @param maxQueuedPerBranch most phase messages held for a branch while one of its durable steps is
 *     in flight; more are rejected (the coordinator repeats them)
 */
public record BranchConfig(
    int maxBranches,
    long queryMinBackoffMillis,
    long queryMaxBackoffMillis,
    long heuristicAfterMillis,
    long terminalRetentionMillis,
    int maxQueuedPerBranch) {

  /** Rejects non-positive limits and a max backoff below the min. */
  public BranchConfig {
    positive(maxBranches, "maxBranches");
    positive(queryMinBackoffMillis, "queryMinBackoffMillis");
    positive(heuristicAfterMillis, "heuristicAfterMillis");
    positive(terminalRetentionMillis, "terminalRetentionMillis");
    positive(maxQueuedPerBranch, "maxQueuedPerBranch");
    if (queryMaxBackoffMillis < queryMinBackoffMillis) {
      throw new IllegalArgumentException(
          "queryMaxBackoffMillis ("
              + queryMaxBackoffMillis
              + ") must be >= queryMinBackoffMillis ("
              + queryMinBackoffMillis
              + ")");
    }
  }

  /** 10,000 branches, backoff 100 ms..10 s, heuristic after 60 s, retention 10 min, queue 16. */
  public static BranchConfig defaults() {
    return new BranchConfig(10_000, 100, 10_000, 60_000, 600_000, 16);
  }

  private static void positive(long v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }
  }
}
