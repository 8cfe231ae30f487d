package io.zabtx.replication.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zabtx.replication.transport.PeerTransport;
import io.zabtx.replication.transport.TransportStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/** The node's Micrometer meters, all tagged with its server id. */
final class NodeMetrics {

  private final MeterRegistry registry;
  private final String server;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter proposals;
  private final Counter commits;
  private final Counter elections;
  private final Counter inboxFull;
  private final Counter snapshots;
  private final Timer fsync;
  private final DistributionSummary fsyncBatch;
  private final DistributionSummary snapshotBytes;

  NodeMetrics(MeterRegistry registry, long sid, NodeLoop loop) {
    this.registry = registry;
    String id = Long.toString(sid);
    this.server = id;
    proposals =
        add(
            Counter.builder("zab.proposals")
                .description("entries proposed as leader")
                .tag("server", id)
                .register(registry));
    commits =
        add(
            Counter.builder("zab.commits")
                .description("entries applied")
                .tag("server", id)
                .register(registry));
    elections =
        add(
            Counter.builder("zab.elections")
                .description("times the node went LOOKING")
                .tag("server", id)
                .register(registry));
    inboxFull =
        add(
            Counter.builder("zab.inbox.dropped")
                .description("events refused because the inbox was full")
                .tag("server", id)
                .register(registry));
    snapshots = add(Counter.builder("zab.snapshots").tag("server", id).register(registry));
    fsync =
        add(
            Timer.builder("zab.fsync")
                .description("time from the start of a group commit until it is durable")
                .publishPercentileHistogram()
                .tag("server", id)
                .register(registry));
    fsyncBatch =
        add(
            DistributionSummary.builder("zab.fsync.batch")
                .description("persist ops made durable by one fsync")
                .tag("server", id)
                .register(registry));
    snapshotBytes =
        add(
            DistributionSummary.builder("zab.snapshot.bytes")
                .baseUnit("bytes")
                .tag("server", id)
                .register(registry));
    add(
        Gauge.builder("zab.role", loop, l -> l.role().ordinal())
            .description("0=LOOKING 1=FOLLOWING 2=LEADING 3=OBSERVING")
            .tag("server", id)
            .register(registry));
    add(
        Gauge.builder("zab.last.applied", loop, l -> (double) l.lastApplied())
            .tag("server", id)
            .register(registry));
    add(
        Gauge.builder("zab.epoch", loop, l -> (double) l.currentEpoch())
            .tag("server", id)
            .register(registry));
    add(
        Gauge.builder("zab.inbox.depth", loop, NodeLoop::inboxDepth)
            .tag("server", id)
            .register(registry));
    add(
        Gauge.builder("zab.groupcommit.inflight", loop, NodeLoop::stagesInFlight)
            .description("group commits written but not yet durable (limit NodeLoop.MAX_STAGES)")
            .tag("server", id)
            .register(registry));
    registerTransport(loop.transport(), id);
  }

  /** The transport's counters and queues, read from its stats when the registry is scraped. */
  private void registerTransport(PeerTransport t, String id) {
    transportCounter(
        t,
        id,
        "zab.transport.sent",
        "messages handed to peers",
        null,
        TransportStats::messagesSent);
    transportCounter(
        t,
        id,
        "zab.transport.frames",
        "gRPC frames those messages travelled in",
        null,
        TransportStats::framesSent);
    transportCounter(
        t,
        id,
        "zab.transport.received",
        "valid messages delivered",
        null,
        TransportStats::messagesReceived);
    transportCounter(
        t,
        id,
        "zab.transport.dropped",
        "messages dropped",
        "queue_full",
        TransportStats::droppedQueueFull);
    transportCounter(
        t,
        id,
        "zab.transport.dropped",
        "messages dropped",
        "too_large",
        TransportStats::droppedTooLarge);
    transportCounter(
        t,
        id,
        "zab.transport.dropped",
        "messages dropped",
        "malformed",
        TransportStats::droppedMalformed);
    transportCounter(
        t,
        id,
        "zab.transport.dropped",
        "messages dropped",
        "misaddressed",
        TransportStats::droppedMisaddressed);
    transportCounter(
        t,
        id,
        "zab.transport.refused",
        "streams refused at the handshake",
        null,
        TransportStats::handshakesRefused);
    transportCounter(
        t,
        id,
        "zab.transport.reconnects",
        "outbound streams reopened",
        null,
        TransportStats::reconnects);
    add(
        Gauge.builder(
                "zab.transport.queue.depth",
                t,
                x -> x.stats().queueDepthByPeer().values().stream().mapToInt(i -> i).sum())
            .description("messages waiting in the per-peer send queues (limit sendQueueLimit each)")
            .tag("server", id)
            .register(registry));
    add(
        Gauge.builder("zab.transport.connected", t, x -> x.stats().connectedPeers().size())
            .description("peers with an accepted outbound stream")
            .tag("server", id)
            .register(registry));
  }

  private void transportCounter(
      PeerTransport t,
      String id,
      String name,
      String description,
      String reason,
      ToLongFunction<TransportStats> value) {
    FunctionCounter.Builder<PeerTransport> b =
        FunctionCounter.builder(name, t, x -> value.applyAsLong(x.stats()))
            .description(description)
            .tag("server", id);
    if (reason != null) {
      b = b.tag("reason", reason);
    }
    add(b.register(registry));
  }

  private <M extends Meter> M add(M m) {
    meters.add(m);
    return m;
  }

  void proposed() {
    proposals.increment();
  }

  void committed() {
    commits.increment();
  }

  void election() {
    elections.increment();
  }

  void inboxFull() {
    inboxFull.increment();
  }

  void fsync(long nanos, int ops) {
    fsync.record(nanos, TimeUnit.NANOSECONDS);
    fsyncBatch.record(ops);
  }

  void synced(io.zabtx.replication.core.Message.SyncMode mode) {
    registry.counter("zab.sync", "server", server, "mode", mode.name()).increment();
  }

  void snapshot(int bytes) {
    snapshots.increment();
    snapshotBytes.record(bytes);
  }

  void close() {
    meters.forEach(registry::remove);
  }
}
