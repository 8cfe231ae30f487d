package io.zabtx.replication.sim;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Message;
import io.zabtx.replication.core.Output;
import io.zabtx.replication.core.PersistOp;
import io.zabtx.replication.core.Snapshot;
import io.zabtx.replication.core.ZabConfig;
import io.zabtx.replication.core.ZabCore;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One simulated node: the real {@link ZabCore} driven exactly as {@link Output} says a runtime must
 * (persist, then send, holding after-sync messages until the simulated fsync; apply committed
 * entries in order at once, as the runtime does), on a {@link SimDisk} that can lose unsynced
 * writes.
 */
public final class SimNode {

  private record Outgoing(Message message, long requiredDurableOps) {}

  private record PendingApply(long requiredDurableOps, Entry entry, Snapshot restore) {}

  final long sid;
  final ZabConfig config;
  final SimDisk disk = new SimDisk();
  final SimStateMachine stateMachine = new SimStateMachine();
  private final Simulation sim;
  private final Map<Long, ArrayDeque<Outgoing>> outbox = new TreeMap<>();
  private final ArrayDeque<PendingApply> applyQueue = new ArrayDeque<>();
  ZabCore core;
  int incarnation;
  boolean syncScheduled;

  /** While true, fsyncs do not complete (a scenario holds this node's disk). */
  boolean syncHeld;

  SimNode(Simulation sim, long sid, ZabConfig config) {
    this.sim = sim;
    this.sid = sid;
    this.config = config;
  }

  /** The core, or null while the node is down. */
  public ZabCore core() {
    return core;
  }

  public boolean isUp() {
    return core != null;
  }

  public long sid() {
    return sid;
  }

  /** Entries this node applied to its state machine. */
  public long appliedCount() {
    return stateMachine.count;
  }

  public long appliedZxid() {
    return stateMachine.appliedZxid;
  }

  /** The node's durable log (for directed tests). */
  public java.util.List<Entry> durableLog() {
    return java.util.List.copyOf(disk.log);
  }

  public long durableCurrentEpoch() {
    return disk.currentEpoch;
  }

  public long durableAcceptedEpoch() {
    return disk.acceptedEpoch;
  }

  public Snapshot durableSnapshot() {
    return disk.snapshot;
  }

  void boot() {
    incarnation++;
    stateMachine.restore(disk.snapshot);
    core =
        ZabCore.create(
            config,
            disk.recover(),
            new SplittableRandom(sim.seed * 31 + sid * 1_000_003L + incarnation));
    sim.checker().onBoot(this);
    handle(core.start());
  }

  void crash() {
    crash(-1);
  }

  /** Crashes keeping {@code keepUnsynced} unsynced writes, or a random prefix when negative. */
  void crash(int keepUnsynced) {
    if (keepUnsynced < 0) {
      disk.crash(sim.random(), sim.options().tornTails());
    } else {
      disk.crash(keepUnsynced, sim.random(), false);
    }
    core = null;
    outbox.clear();
    applyQueue.clear();
    syncScheduled = false;
  }

  void handle(Output out) {
    sim.steps++;
    if (out.roleChange() != null
        && out.roleChange().role() == io.zabtx.replication.core.Role.LOOKING) {
      sim.count("lookAgain");
    }
    if (out.establishedEpoch() >= 0) {
      sim.count("established");
    }
    if (out.restore() != null) {
      sim.count("snapshot.restored");
    }
    if (out.roleChange() != null || !out.persist().isEmpty()) {
      sim.trace("node %d: role=%s persist=%s", sid, out.roleChange(), out.persist());
    }
    for (PersistOp op : out.persist()) {
      disk.write(op);
    }
    for (Output.Send s : out.messages()) {
      long required = s.afterSync() ? disk.writtenOps : 0;
      outbox
          .computeIfAbsent(s.message().to(), k -> new ArrayDeque<>())
          .add(new Outgoing(s.message(), required));
    }
    // As the runtime does: committed entries are durable on a quorum, so they apply at once,
    // without waiting for this node's own fsync.
    if (out.restore() != null) {
      applyQueue.add(new PendingApply(0, null, out.restore()));
    }
    for (Entry e : out.committed()) {
      applyQueue.add(new PendingApply(0, e, null));
    }
    sim.checker().onOutput(this, out);
    if (!out.persist().isEmpty()
        && sim.faultsOn()
        && sim.chance(sim.options().crashOnWriteProb())) {
      sim.count("crash.rightAfterWrite");
      sim.schedule(sim.now(), () -> sim.faults().crashAndLaterRestart(sid));
    }
    scheduleSync();
    release();
  }

  /** Lets held fsyncs complete again. */
  void releaseSync() {
    syncHeld = false;
    scheduleSync();
  }

  private void scheduleSync() {
    if (disk.hasPending() && !syncScheduled && !syncHeld) {
      syncScheduled = true;
      int incarnationNow = incarnation;
      sim.schedule(
          sim.now() + sim.random().nextInt(0, sim.options().fsyncDelayMax() + 1),
          () -> {
            if (core != null && incarnation == incarnationNow) {
              syncScheduled = false;
              if (syncHeld) {
                return;
              }
              disk.sync();
              release();
            }
          });
    }
    release();
  }

  /** Sends what durability allows and applies what is durable. */
  private void release() {
    for (ArrayDeque<Outgoing> q : outbox.values()) {
      while (!q.isEmpty() && q.peekFirst().requiredDurableOps() <= disk.durableOps) {
        sim.network().send(q.pollFirst().message());
      }
    }
    while (!applyQueue.isEmpty()
        && applyQueue.peekFirst().requiredDurableOps() <= disk.durableOps) {
      PendingApply a = applyQueue.pollFirst();
      if (a.restore() != null) {
        stateMachine.restore(a.restore());
      } else {
        stateMachine.apply(a.entry());
      }
      sim.checker().onApplied(this);
    }
  }

  /** Snapshots the state machine if it is quiescent and ahead of the last snapshot. */
  void maybeSnapshot() {
    if (core == null || !applyQueue.isEmpty() || disk.hasPending()) {
      return;
    }
    if (stateMachine.appliedZxid > disk.snapshot.zxid()
        && stateMachine.appliedZxid <= core.commitZxid()) {
      Snapshot s = stateMachine.snapshot();
      disk.saveSnapshot(s);
      sim.count("snapshot.taken");
      core.snapshotTaken(s);
    }
  }
}
