package io.zabtx.participant.runtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.branch.ClusterOutcome;
import io.zabtx.participant.branch.Phase;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The runtime's meters, all named {@code zabtx.participant.*}:
 *
 * <ul>
 *   <li>{@code branches} (gauge): branches the engine tracks
 *   <li>{@code inbox.depth} (gauge): events waiting for the engine's thread
 *   <li>{@code registrations} (gauge): registered xids cached
 *   <li>{@code worker.backlog} (gauge, tag {@code pool}): durable steps / cluster calls queued or
 *       running
 *   <li>{@code phase.messages} (counter, tags {@code phase}, {@code result}: yes, no, ack, reject,
 *       invalid, busy, closed)
 *   <li>{@code outcome.queries} (counter, tag {@code answer}: commit, abort, undecided,
 *       unreachable)
 *   <li>{@code heuristics} (counter, tag {@code state}): heuristic states reached
 *   <li>{@code heuristic.reports} (counter, tag {@code result}: recorded, mixed, failed)
 *   <li>{@code step.failures} (counter, tag {@code step}: persist, commit, rollback, forget)
 *   <li>{@code enlist} (counter, tag {@code result}: admitted, refused, failed)
 * </ul>
 */
final class RuntimeMetrics {

  private final MeterRegistry registry;

  RuntimeMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder("zabtx.participant." + name, value).description(description).register(registry);
  }

  void backlogGauge(String pool, Supplier<Number> value) {
    Gauge.builder("zabtx.participant.worker.backlog", value)
        .description("durable steps or cluster calls queued or running")
        .tag("pool", pool)
        .register(registry);
  }

  void phase(Phase phase, String result) {
    registry
        .counter(
            "zabtx.participant.phase.messages",
            "phase",
            phase.name().toLowerCase(Locale.ROOT),
            "result",
            result)
        .increment();
  }

  void query(ClusterOutcome answer) {
    registry
        .counter("zabtx.participant.outcome.queries", "answer", lower(answer.name()))
        .increment();
  }

  void heuristic(BranchState state) {
    registry.counter("zabtx.participant.heuristics", "state", lower(state.name())).increment();
  }

  void report(String result) {
    registry.counter("zabtx.participant.heuristic.reports", "result", result).increment();
  }

  void stepFailed(String step) {
    registry.counter("zabtx.participant.step.failures", "step", step).increment();
  }

  void enlist(String result) {
    registry.counter("zabtx.participant.enlist", "result", result).increment();
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
