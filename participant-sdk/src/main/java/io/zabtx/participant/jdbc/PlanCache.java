package io.zabtx.participant.jdbc;

import io.zabtx.participant.undo.WritePlan;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The statement plans of the wrapper, by SQL text: least recently used first out once {@link
 * #capacity()} plans are held. An application has few distinct statements, so a miss after warm-up
 * means statements built by string concatenation; the eviction counter shows it. Thread-safe: one
 * short lock per lookup.
 */
final class PlanCache {
  /** Plans kept by default; most services use a few dozen statements. */
  static final int DEFAULT_CAPACITY = 2048;

  private final int capacity;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LinkedHashMap<String, WritePlan> plans;

  PlanCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    this.plans =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, WritePlan> eldest) {
            if (size() > PlanCache.this.capacity) {
              evictions.increment();
              return true;
            }
            return false;
          }
        };
  }

  /** The cached plan of {@code sql}, or null (counted as a miss). */
  WritePlan get(String sql) {
    WritePlan plan;
    synchronized (plans) {
      plan = plans.get(sql);
    }
    (plan != null ? hits : misses).increment();
    return plan;
  }

  void put(String sql, WritePlan plan) {
    synchronized (plans) {
      plans.put(sql, plan);
    }
  }

  int size() {
    synchronized (plans) {
      return plans.size();
    }
  }

  int capacity() {
    return capacity;
  }

  long hits() {
    return hits.sum();
  }

  long misses() {
    return misses.sum();
  }

  long evictions() {
    return evictions.sum();
  }
}
