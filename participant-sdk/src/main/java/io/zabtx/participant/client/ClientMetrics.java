package io.zabtx.participant.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@link DtxClient}'s meters: {@code zabtx.client.requests} (operation, result: {@code ok} or the
 * error code) and {@code zabtx.client.retries} (operation, reason: the error code of the attempt
 * that is retried, on the next address or after a backoff).
 */
final class ClientMetrics {

  private final MeterRegistry registry;

  ClientMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void succeeded(Operation op) {
    requests(op, "ok").increment();
  }

  void failed(Operation op, DtxErrorCode code) {
    requests(op, code.name()).increment();
  }

  void retried(Operation op, DtxErrorCode reason) {
    Counter.builder("zabtx.client.retries")
        .description("coordinator calls repeated, on another address or after a backoff")
        .tag("operation", op.tag())
        .tag("reason", reason.name())
        .register(registry)
        .increment();
  }

  private Counter requests(Operation op, String result) {
    return Counter.builder("zabtx.client.requests")
        .description("coordinator operations by result")
        .tag("operation", op.tag())
        .tag("result", result)
        .register(registry);
  }
}
