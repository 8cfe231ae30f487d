package io.zabtx.coordinator.participant;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.coordinator.engine.Command;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.Xid;
import io.zabtx.coordinator.testing.FakeParticipant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gateway under test, the fakes it talks to, and every probe it reported to. {@link #close()}
 * closes the gateway (which waits for its callbacks) and then checks that every send was reported
 * exactly once.
 */
final class GatewayHarness implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(10);

  /** Fast retries, and a breaker that stays out of the way unless a test configures it. */
  static GatewayConfig fastConfig() {
    return GatewayConfig.defaults()
        .withRetry(4, Duration.ofMillis(5), Duration.ofMillis(50))
        .withBreaker(100, 100, 100, Duration.ofSeconds(5), 1);
  }

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ParticipantGateway gateway;
  private final List<FakeParticipant> fakes = new ArrayList<>();
  private final List<ResultProbe> probes = new ArrayList<>();
  private final AtomicLong sequence = new AtomicLong();

  GatewayHarness(GatewayConfig config) {
    gateway = new ParticipantGateway(config, registry);
  }

  GatewayHarness() {
    this(fastConfig());
  }

  FakeParticipant fake() {
    FakeParticipant fake = FakeParticipant.start();
    fakes.add(fake);
    return fake;
  }

  /** A message to {@code endpoint} for a new xid, branch 1. */
  Command.Send message(Phase phase, String endpoint, long timeoutMillis) {
    TxProtocol protocol =
        phase == Phase.CAN_COMMIT || phase == Phase.PRE_COMMIT
            ? TxProtocol.THREE_PHASE
            : TxProtocol.TWO_PHASE;
    return new Command.Send(
        new Xid(7, sequence.incrementAndGet()), 1, endpoint, phase, protocol, timeoutMillis);
  }

  /** Sends {@code cmd}; the probe receives the result. */
  ResultProbe send(Command.Send cmd) {
    ResultProbe probe = new ResultProbe();
    synchronized (probes) {
      probes.add(probe);
    }
    gateway.send(cmd, probe);
    return probe;
  }

  /** Sends {@code cmd} and waits for its result. */
  DeliveryResult deliver(Command.Send cmd) {
    return send(cmd).await(WAIT);
  }

  /** How many sends this harness made. */
  int probeCount() {
    synchronized (probes) {
      return probes.size();
    }
  }

  @Override
  public void close() {
    gateway.close();
    List<ResultProbe> all;
    synchronized (probes) {
      all = List.copyOf(probes);
    }
    fakes.forEach(FakeParticipant::close);
    for (ResultProbe probe : all) {
      assertThat(probe.calls()).as("onResult calls of one send").isEqualTo(1);
    }
  }
}
