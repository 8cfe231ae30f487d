package io.zabtx.participant.jdbc;

import io.zabtx.participant.store.LockTable;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one {@link DtxDataSource}: its statement-plan cache, row-lock waits and refused
 * statements. Read by the SDK's metrics ({@code zabtx.participant.statement.*}, {@code
 * zabtx.participant.lock.*}); every value is cumulative except the cache's size. Thread-safe.
 */
public final class WrapperStats {
  private final PlanCache plans;
  private final LockTable locks;
  private final LongAdder refused = new LongAdder();

  WrapperStats(PlanCache plans, LockTable locks) {
    this.plans = plans;
    this.locks = locks;
  }

  void refused() {
    refused.increment();
  }

  /** Statement plans cached now. */
  public int planCacheSize() {
    return plans.size();
  }

  /** The most plans the cache holds. */
  public int planCacheCapacity() {
    return plans.capacity();
  }

  /** Writes whose plan was cached. */
  public long planCacheHits() {
    return plans.hits();
  }

  /** Writes whose statement had to be parsed and analyzed. */
  public long planCacheMisses() {
    return plans.misses();
  }

  /** Plans dropped to stay within the capacity. */
  public long planCacheEvictions() {
    return plans.evictions();
  }

  /** Rows a write found locked by another global transaction and waited for. */
  public long lockWaits() {
    return locks.waits();
  }

  /** Total time writes spent waiting for row locks, in nanoseconds. */
  public long lockWaitNanos() {
    return locks.waitNanos();
  }

  /** Writes that failed because a row stayed locked for the whole lock wait. */
  public long lockConflicts() {
    return locks.conflicts();
  }

  /** Statements refused inside a global transaction because they cannot be undone. */
  public long refusedStatements() {
    return refused.sum();
  }
}
