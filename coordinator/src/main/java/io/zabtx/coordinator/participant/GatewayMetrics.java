package io.zabtx.coordinator.participant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.Vote;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's own meters, registered up front so that dashboards see every series from the start:
 * {@code zabtx.participant.calls} (tags phase, result: yes/no/acked/failed) and {@code
 * zabtx.participant.call.latency} (tag phase), both per delivery (retries included), not per
 * attempt. The gauges are registered by the gateway, which owns what they read.
 */
final class GatewayMetrics {

  static final String CALLS = "zabtx.participant.calls";
  static final String LATENCY = "zabtx.participant.call.latency";
  static final String INFLIGHT = "zabtx.participant.inflight";
  static final String CHANNELS = "zabtx.participant.channels";

  private final Map<Phase, Map<String, Counter>> calls = new EnumMap<>(Phase.class);
  private final Map<Phase, Timer> latency = new EnumMap<>(Phase.class);

  GatewayMetrics(MeterRegistry registry) {
    for (Phase phase : Phase.values()) {
      String tag = tag(phase);
      Map<String, Counter> byResult = new HashMap<>();
      for (String result :
          phase.isVote()
              ? new String[] {"yes", "no", "failed"}
              : new String[] {"acked", "failed"}) {
        byResult.put(
            result,
            Counter.builder(CALLS)
                .description("Phase messages delivered to participants, by outcome")
                .tag("phase", tag)
                .tag("result", result)
                .register(registry));
      }
      calls.put(phase, byResult);
      latency.put(
          phase,
          Timer.builder(LATENCY)
              .description("From send to result of a phase message, retries included")
              .tag("phase", tag)
              .register(registry));
    }
  }

  void record(Phase phase, DeliveryResult result, long elapsedNanos) {
    String outcome;
    if (result instanceof DeliveryResult.Voted voted) {
      outcome = voted.vote() == Vote.YES ? "yes" : "no";
    } else if (result instanceof DeliveryResult.Acked) {
      outcome = "acked";
    } else {
      outcome = "failed";
    }
    Counter counter = calls.get(phase).get(outcome);
    if (counter != null) {
      counter.increment();
    } else {
      // An answer of the wrong kind is turned into Failed before it gets here.
      calls.get(phase).get("failed").increment();
    }
    latency.get(phase).record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  static String tag(Phase phase) {
    return phase.name().toLowerCase(Locale.ROOT);
  }
}
