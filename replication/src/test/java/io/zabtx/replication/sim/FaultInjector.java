package io.zabtx.replication.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Draws the safety phase's faults, once per tick, from the run's {@link SimOptions}: crashes (with
 * a later restart), symmetric partitions and one-way blocks (healed later), connection breaks,
 * state-machine snapshots and client proposals.
 */
final class FaultInjector {

  private final Simulation sim;

  FaultInjector(Simulation sim) {
    this.sim = sim;
  }

  void inject() {
    SimOptions o = sim.options();
    List<Long> sids = sids();
    if (sim.chance(o.crashProb())) {
      crashAndLaterRestart(pick(sids));
    }
    if (sim.chance(o.partitionProb())) {
      partition(sids);
    }
    if (sim.chance(o.breakProb()) && sids.size() > 1) {
      long a = pick(sids);
      long b = pick(sids);
      if (a != b) {
        sim.trace("break %d <-> %d", a, b);
        sim.network().breakConnection(a, b);
      }
    }
    if (sim.chance(o.snapshotProb())) {
      sim.node(pick(sids)).maybeSnapshot();
    }
    if (sim.chance(o.proposeProb())) {
      long leader = sim.establishedLeader();
      long target = leader > 0 && sim.random().nextInt(5) > 0 ? leader : pick(sids);
      int n = 1 + sim.random().nextInt(4);
      for (int i = 0; i < n; i++) {
        String data = "p" + sim.proposals + "-" + sim.random().nextInt(1000);
        sim.propose(target, data.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** Crashes a node now and restarts it after a random down time (if still in the fault phase). */
  void crashAndLaterRestart(long victim) {
    if (!sim.node(victim).isUp()) {
      return;
    }
    sim.crash(victim);
    long downTicks = sim.random().nextInt(1, 300);
    sim.schedule(
        sim.now() + downTicks * Simulation.TICK,
        () -> {
          if (sim.faultsOn()) {
            sim.restart(victim);
          }
        });
  }

  private void partition(List<Long> sids) {
    sim.partitions++;
    SimNetwork net = sim.network();
    if (sim.random().nextBoolean()) {
      List<Long> shuffled = new ArrayList<>(sids);
      Collections.shuffle(shuffled, new Random(sim.random().nextLong()));
      int cut = sim.random().nextInt(1, Math.max(2, shuffled.size()));
      for (int i = 0; i < cut; i++) {
        for (int j = cut; j < shuffled.size(); j++) {
          net.block(shuffled.get(i), shuffled.get(j));
          net.block(shuffled.get(j), shuffled.get(i));
        }
      }
      sim.trace("partition %s | %s", shuffled.subList(0, cut), shuffled.subList(cut, sids.size()));
    } else if (sids.size() > 1) {
      long a = pick(sids);
      long b = pick(sids);
      if (a != b) {
        net.block(a, b);
        sim.trace("block %d -> %d", a, b);
      }
    }
    long healTicks = sim.random().nextInt(5, 200);
    sim.schedule(
        sim.now() + healTicks * Simulation.TICK,
        () -> {
          net.unblockAll();
          sim.trace("heal");
        });
  }

  private List<Long> sids() {
    List<Long> sids = new ArrayList<>();
    for (SimNode n : sim.nodes()) {
      sids.add(n.sid());
    }
    return sids;
  }

  private long pick(List<Long> sids) {
    return sids.get(sim.random().nextInt(sids.size()));
  }
}
