package io.zabtx.replication.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
