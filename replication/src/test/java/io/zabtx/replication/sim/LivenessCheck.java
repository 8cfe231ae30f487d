package io.zabtx.replication.sim;

import io.zabtx.replication.core.Entry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The liveness phase: on a healed ensemble, a leader must be established and {@link
 * Simulation#LIVENESS_PROPOSALS} proposals must commit and be applied on every node within {@link
 * Simulation#LIVENESS_TICKS} ticks.
 *
 * <p>Proposals go one at a time through whichever leader is established. A proposal accepted by a
 * leader that then loses its post may legitimately vanish; it is simply proposed again.
 */
final class LivenessCheck {

  private final Simulation sim;

  LivenessCheck(Simulation sim) {
    this.sim = sim;
  }

  void await() {
    long deadline = sim.now() + (long) Simulation.LIVENESS_TICKS * Simulation.TICK;
    int committed = 0;
    byte[] pending = null;
    long pendingLeader = -1;
    while (true) {
      if (sim.now() > deadline) {
        throw new InvariantViolation(
            "liveness",
            "no progress within "
                + Simulation.LIVENESS_TICKS
                + " ticks of healing: "
                + sim.describe()
                + ", "
                + committed
                + " of "
                + Simulation.LIVENESS_PROPOSALS
                + " proposals committed");
      }
      if (pending != null && historyContains(pending)) {
        committed++;
        pending = null;
      }
      long leader = sim.establishedLeader();
      if (committed < Simulation.LIVENESS_PROPOSALS
          && leader > 0
          && (pending == null || pendingLeader != leader)) {
        byte[] data = ("live-" + committed + "-" + sim.now()).getBytes(StandardCharsets.UTF_8);
        if (sim.propose(leader, data) > 0) {
          pending = data;
          pendingLeader = leader;
        }
      }
      if (committed == Simulation.LIVENESS_PROPOSALS && allApplied()) {
        return;
      }
      sim.runTicks(1);
    }
  }

  private boolean historyContains(byte[] data) {
    List<Entry> h = sim.checker().history();
    for (int i = h.size() - 1; i >= Math.max(0, h.size() - 50); i--) {
      if (Arrays.equals(h.get(i).data(), data)) {
        return true;
      }
    }
    return false;
  }

  private boolean allApplied() {
    int size = sim.checker().history().size();
    for (SimNode n : sim.nodes()) {
      if (n.appliedCount() != size) {
        return false;
      }
    }
    return true;
  }
}
