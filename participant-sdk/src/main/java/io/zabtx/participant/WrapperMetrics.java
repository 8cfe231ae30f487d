package io.zabtx.participant;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.zabtx.participant.jdbc.WrapperStats;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a {@link WrapperStats} as Micrometer meters: the DataSource wrapper's statement-plan
 * cache ({@code zabtx.participant.statement.*}) and row-lock waits ({@code
 * zabtx.participant.lock.*}). Meters read the live counters; nothing is copied.
 */
final class WrapperMetrics {
  private WrapperMetrics() {}

  static void bind(MeterRegistry registry, WrapperStats stats) {
    Gauge.builder("zabtx.participant.statement.plans", stats, WrapperStats::planCacheSize)
        .description("statement plans cached by the DataSource wrapper")
        .register(registry);
    Gauge.builder("zabtx.participant.statement.plans.max", stats, WrapperStats::planCacheCapacity)
        .description("the most statement plans the wrapper caches")
        .register(registry);
    FunctionCounter.builder(
            "zabtx.participant.statement.plan.lookups", stats, WrapperStats::planCacheHits)
        .tag("result", "hit")
        .description("writes whose statement plan was cached (hit) or analyzed (miss)")
        .register(registry);
    FunctionCounter.builder(
            "zabtx.participant.statement.plan.lookups", stats, WrapperStats::planCacheMisses)
        .tag("result", "miss")
        .description("writes whose statement plan was cached (hit) or analyzed (miss)")
        .register(registry);
    FunctionCounter.builder(
            "zabtx.participant.statement.plan.evictions", stats, WrapperStats::planCacheEvictions)
        .description("statement plans dropped to stay within the cache's capacity")
        .register(registry);
    FunctionCounter.builder(
            "zabtx.participant.statement.refused", stats, WrapperStats::refusedStatements)
        .description("statements refused in a global transaction because they cannot be undone")
        .register(registry);
    FunctionTimer.builder(
            "zabtx.participant.lock.wait",
            stats,
            WrapperStats::lockWaits,
            WrapperStats::lockWaitNanos,
            TimeUnit.NANOSECONDS)
        .description("waits for rows locked by another global transaction")
        .register(registry);
    FunctionCounter.builder("zabtx.participant.lock.conflicts", stats, WrapperStats::lockConflicts)
        .description("writes refused because a row stayed locked for the whole lock wait")
        .register(registry);
  }
}
