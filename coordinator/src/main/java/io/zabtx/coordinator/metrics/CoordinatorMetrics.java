package io.zabtx.coordinator.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.zabtx.coordinator.engine.EngineStats;
import io.zabtx.coordinator.runtime.CoordinatorNode;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * The coordinator's transaction meters (the ZAB node registers its own {@code zab.*} meters). One
 * name per concept, the same in code, docs/coordinator.md and dashboards:
 *
 * <ul>
 *   <li>{@code zabtx.tx.begun{protocol}}, {@code zabtx.tx.finished{protocol,outcome}} — counters of
 *       this node's engine while it leads (they restart from zero on each node);
 *   <li>{@code zabtx.tx.heuristics}, {@code zabtx.tx.heuristic.mixed} — counters;
 *   <li>{@code zabtx.tx.inflight}, {@code zabtx.tx.phase2.backlog}, {@code zabtx.tx.retained} —
 *       gauges of the engine;
 *   <li>{@code zabtx.runtime.pending.requests} — requests waiting for the engine's thread;
 *   <li>{@code zabtx.log.transactions}, {@code zabtx.log.rejected.commit.points} — the decision
 *       log;
 *   <li>{@code zabtx.tx.commit.latency} — a timer with a histogram, registered by the API.
 * </ul>
 */
@Component
class CoordinatorMetrics implements MeterBinder {

  private final CoordinatorNode node;

  CoordinatorMetrics(CoordinatorNode node) {
    this.node = node;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(registry, "zabtx.tx.begun", "protocol", "2PC", "", EngineStats::begun2pc);
    counter(registry, "zabtx.tx.begun", "protocol", "3PC", "", EngineStats::begun3pc);
    counter(registry, "zabtx.tx.finished", "protocol", "2PC", "commit", EngineStats::committed2pc);
    counter(registry, "zabtx.tx.finished", "protocol", "3PC", "commit", EngineStats::committed3pc);
    counter(registry, "zabtx.tx.finished", "protocol", "2PC", "abort", EngineStats::aborted2pc);
    counter(registry, "zabtx.tx.finished", "protocol", "3PC", "abort", EngineStats::aborted3pc);
    FunctionCounter.builder("zabtx.tx.heuristics", node, n -> stat(n, EngineStats::heuristics))
        .description("heuristic reports recorded")
        .register(registry);
    FunctionCounter.builder(
            "zabtx.tx.heuristic.mixed", node, n -> stat(n, EngineStats::heuristicMixed))
        .description("transactions that became HEURISTIC_MIXED")
        .register(registry);
    gauge(registry, "zabtx.tx.inflight", "transactions not finished", EngineStats::inFlight);
    gauge(
        registry,
        "zabtx.tx.phase2.backlog",
        "branches waiting for a phase-2 acknowledgement",
        EngineStats::phase2Backlog);
    gauge(registry, "zabtx.tx.retained", "finished transactions in memory", EngineStats::retained);
    Gauge.builder("zabtx.runtime.pending.requests", node, n -> n.runtime().pendingRequests())
        .description("requests waiting for the engine's thread")
        .register(registry);
    Gauge.builder("zabtx.log.transactions", node, n -> n.log().size())
        .description("transactions held by the decision log")
        .register(registry);
    FunctionCounter.builder(
            "zabtx.log.rejected.commit.points", node, n -> n.log().rejectedCommitPoints())
        .description("commit points rejected (xid of another epoch, or already forgotten)")
        .register(registry);
  }

  private void counter(
      MeterRegistry r,
      String name,
      String tag,
      String value,
      String outcome,
      ToDoubleFunction<EngineStats> f) {
    FunctionCounter.Builder<CoordinatorNode> b =
        FunctionCounter.builder(name, node, n -> stat(n, f)).tag(tag, value);
    if (!outcome.isEmpty()) {
      b.tag("outcome", outcome);
    }
    b.register(r);
  }

  private void gauge(
      MeterRegistry r, String name, String description, ToDoubleFunction<EngineStats> f) {
    Gauge.builder(name, node, n -> stat(n, f)).description(description).register(r);
  }

  private static double stat(CoordinatorNode n, ToDoubleFunction<EngineStats> f) {
    EngineStats s = n.runtime().stats();
    return s == null ? 0 : f.applyAsDouble(s);
  }
}
