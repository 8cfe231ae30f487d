package io.zabtx.participant.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.participant.undo.WriteKind;
import io.zabtx.participant.undo.WritePlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wrapper's statement-plan cache stays within its capacity, dropping the least recently used.
 */
class PlanCacheTest {

  @Test
  void keepsAtMostItsCapacityAndDropsTheLeastRecentlyUsed() {
    PlanCache cache = new PlanCache(3);
    cache.put("a", plan("a"));
    cache.put("b", plan("b"));
    cache.put("c", plan("c"));
    assertThat(cache.get("a").sql()).isEqualTo("a"); // a is now the most recently used
    cache.put("d", plan("d")); // so b goes

    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.evictions()).isEqualTo(1);
    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("a")).isNotNull();
    assertThat(cache.get("c")).isNotNull();
    assertThat(cache.get("d")).isNotNull();
    assertThat(cache.hits()).isEqualTo(4);
    assertThat(cache.misses()).isEqualTo(1);
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThatThrownBy(() -> new PlanCache(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static WritePlan plan(String sql) {
    return new WritePlan(
        sql, WriteKind.UPDATE, "t", null, "", List.of(), List.of(), List.of(), List.of(), 0);
  }
}
