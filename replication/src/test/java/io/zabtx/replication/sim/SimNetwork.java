package io.zabtx.replication.sim;

import io.zabtx.replication.core.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The simulated network: FIFO per ordered pair of nodes while a connection lasts; connections break
 * (what they carried is lost, or with some chance arrives late and out of order, as across a
 * reconnect); links can be blocked one way or both; messages can be lost or held by a filter that a
 * directed test installs.
 */
final class SimNetwork {

  private static final class InFlight {
    final Message message;
    boolean cancelled;

    InFlight(Message message) {
      this.message = message;
    }
  }

  private final Simulation sim;
  private final Map<Long, Long> lastDeliveryByLink = new HashMap<>();
  private final Map<Long, List<InFlight>> inFlightByLink = new HashMap<>();
  private final Set<Long> blocked = new HashSet<>();
  private Predicate<Message> dropFilter = m -> false;
  private boolean calm;
  long sent;
  long dropped;
  long reordered;

  SimNetwork(Simulation sim) {
    this.sim = sim;
  }

  private static long link(long from, long to) {
    return from * 1_000_003L + to;
  }

  void send(Message m) {
    sent++;
    if (m.from() == m.to()) {
      sim.schedule(sim.now(), () -> sim.deliver(m));
      return;
    }
    long link = link(m.from(), m.to());
    if (blocked.contains(link)
        || dropFilter.test(m)
        || (!calm && sim.chance(sim.options().lossProb()))) {
      dropped++;
      sim.trace("drop %s", m);
      return;
    }
    SimOptions o = sim.options();
    long at = sim.now() + sim.random().nextInt(o.minDelay(), o.maxDelay() + 1);
    at = Math.max(at, lastDeliveryByLink.getOrDefault(link, 0L));
    lastDeliveryByLink.put(link, at);
    InFlight f = new InFlight(m);
    List<InFlight> inFlight = inFlightByLink.computeIfAbsent(link, k -> new ArrayList<>());
    inFlight.add(f);
    sim.schedule(
        at,
        () -> {
          inFlight.remove(f);
          if (!f.cancelled) {
            sim.deliver(f.message);
          }
        });
  }

  /** Breaks the connection between a and b: in-flight messages are lost or arrive late. */
  void breakConnection(long a, long b) {
    for (long link : new long[] {link(a, b), link(b, a)}) {
      List<InFlight> inFlight = inFlightByLink.get(link);
      if (inFlight == null) {
        continue;
      }
      for (InFlight f : inFlight) {
        f.cancelled = true;
        if (sim.chance(sim.options().reorderProb())) {
          reordered++;
          long late = sim.now() + sim.random().nextInt(1, 20 * Simulation.TICK);
          sim.schedule(late, () -> sim.deliver(f.message));
        } else {
          dropped++;
        }
      }
      inFlight.clear();
      lastDeliveryByLink.remove(link);
    }
    // A broken TCP connection is noticed at both ends, as the real transport reports it.
    sim.peerLostSoon(a, b);
    sim.peerLostSoon(b, a);
  }

  /** Blocks messages from {@code from} to {@code to} and breaks their connection. */
  void block(long from, long to) {
    blocked.add(link(from, to));
    breakConnection(from, to);
  }

  /** No more random loss: the liveness phase runs on a healed network. */
  void calm() {
    calm = true;
  }

  void unblockAll() {
    blocked.clear();
  }

  boolean isBlocked(long from, long to) {
    return blocked.contains(link(from, to));
  }

  /** Drops (and counts) every message for which {@code filter} is true, until replaced. */
  void dropWhere(Predicate<Message> filter) {
    this.dropFilter = filter;
  }
}
