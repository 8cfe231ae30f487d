package io.zabtx.replication.sim;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Message;
import io.zabtx.replication.core.Output;
import io.zabtx.replication.core.Role;
import io.zabtx.replication.core.ZabConfig;
import io.zabtx.replication.core.ZabCore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A deterministic simulation of a ZAB ensemble: real {@link ZabCore}s, a simulated network and
 * simulated disks, one event queue, and one random source seeded from {@link #seed}. The same seed
 * and options replay the same run, event for event.
 *
 * <p>{@link #run()} is the randomized test: a safety phase with the faults of {@link SimOptions},
 * then a liveness phase on a healed ensemble. Directed scenarios drive the same machinery step by
 * step through the public methods. Invariants are checked after every event; the first violation
 * throws {@link InvariantViolation}.
 */
public final class Simulation {

  /** Simulator time units per core tick. */
  public static final int TICK = 10;

  /** Ticks the liveness phase may take before the run counts as stuck. */
  public static final int LIVENESS_TICKS = 3_000;

  /** Proposals that must commit everywhere in the liveness phase. */
  public static final int LIVENESS_PROPOSALS = 5;

  private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
    }
  }

  final long seed;
  private final SimOptions options;
  private final SplittableRandom random;
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
  private final SimNetwork network;
  private final InvariantChecker checker;
  private final FaultInjector faultInjector = new FaultInjector(this);
  private final boolean tracing;
  private final List<String> traceLines = new ArrayList<>();
  private long now;
  private Predicate<Message> deliveryFilter = m -> false;
  private java.util.List<Message> deliverySink = new ArrayList<>();
  private long eventSeq;
  private boolean faults;
  long proposals;
  long steps;
  long events;

  /** Coverage counters: how often each interesting situation happened in this run. */
  final java.util.Map<String, Long> stats = new TreeMap<>();

  long crashes;
  long partitions;

  /** A simulation whose cluster shape and faults come from {@code options}. */
  public Simulation(long seed, SimOptions options) {
    this(seed, options, Boolean.getBoolean("zab.trace"));
  }

  Simulation(long seed, SimOptions options, boolean tracing) {
    this.seed = seed;
    this.options = options;
    this.tracing = tracing;
    this.random = new SplittableRandom(seed);
    this.network = new SimNetwork(this);
    Set<Long> voters = new TreeSet<>();
    Set<Long> observers = new TreeSet<>();
    for (long i = 1; i <= options.voters(); i++) {
      voters.add(i);
    }
    for (long i = 1; i <= options.observers(); i++) {
      observers.add(options.voters() + i);
    }
    this.checker = new InvariantChecker(voters.size() / 2 + 1);
    for (long sid : union(voters, observers)) {
      ZabConfig c =
          ZabConfig.of(sid, voters, observers)
              .withTicks(2, 8, 60, 12, 3)
              .withMaxCounter(options.maxCounter())
              .withLimits(1_000, options.syncBatch(), options.retain());
      nodes.put(sid, new SimNode(this, sid, c));
    }
  }

  /** Builds the options for {@code seed} the way a randomized run does and runs it. */
  public static Result runSeed(long seed) {
    SimOptions options = SimOptions.draw(new SplittableRandom(seed ^ 0x5DEECE66DL));
    return new Simulation(seed, options).run();
  }

  /** Outcome of a randomized run. */
  public record Result(
      long seed,
      SimOptions options,
      long steps,
      long events,
      long committed,
      long crashes,
      long partitions,
      long messagesSent,
      long messagesDropped,
      long epochs,
      java.util.Map<String, Long> stats) {}

  /** Safety phase with faults, then liveness on a healed ensemble. */
  public Result run() {
    startAll();
    faults = true;
    runTicks(options.safetyTicks());
    faults = false;
    network.calm();
    heal();
    for (SimNode n : nodes.values()) {
      if (!n.isUp()) {
        restart(n.sid);
      }
    }
    new LivenessCheck(this).await();
    stats.put("messages.reorderedAcrossReconnect", network.reordered);
    return new Result(
        seed,
        options,
        steps,
        events,
        checker.history().size(),
        crashes,
        partitions,
        network.sent,
        network.dropped,
        checker.leaderByEpoch().size(),
        stats);
  }

  // ---- control surface for scenarios ----

  /** Boots every node. */
  public void startAll() {
    for (SimNode n : nodes.values()) {
      n.boot();
      scheduleTicks(n);
    }
    scheduleFaultTicks();
  }

  /** Runs the event loop for {@code ticks} core ticks. */
  public void runTicks(long ticks) {
    runUntilTime(now + ticks * TICK);
  }

  /** Runs until {@code condition} holds (checked after every event) or {@code maxTicks} pass. */
  public boolean runUntil(BooleanSupplier condition, long maxTicks) {
    long end = now + maxTicks * TICK;
    while (!condition.getAsBoolean()) {
      if (queue.isEmpty() || queue.peek().time > end) {
        now = end;
        return condition.getAsBoolean();
      }
      processNext();
    }
    return true;
  }

  private void runUntilTime(long end) {
    while (!queue.isEmpty() && queue.peek().time <= end) {
      processNext();
    }
    now = end;
  }

  private void processNext() {
    Event e = queue.poll();
    now = e.time;
    events++;
    e.action.run();
    checker.checkDurability(nodes.values());
  }

  /** The sid of the established leader with the highest epoch, or -1. */
  public long establishedLeader() {
    long best = -1;
    long bestEpoch = -1;
    for (SimNode n : nodes.values()) {
      if (n.isUp() && n.core().isEstablishedLeader() && n.core().currentEpoch() > bestEpoch) {
        best = n.sid;
        bestEpoch = n.core().currentEpoch();
      }
    }
    return best;
  }

  /** Proposes {@code data} at node {@code sid}; returns the zxid, or -1 if refused. */
  public long propose(long sid, byte[] data) {
    SimNode n = nodes.get(sid);
    if (!n.isUp()) {
      return -1;
    }
    proposals++;
    Output out = n.core().propose(data);
    n.handle(out);
    return out.proposedZxid();
  }

  /** Crashes node {@code sid}: unsynced writes are partly lost, unsent messages are lost. */
  public void crash(long sid) {
    SimNode n = nodes.get(sid);
    if (n.isUp()) {
      trace("crash %d", sid);
      crashes++;
      count(n.disk.hasPending() ? "crash.unsyncedWrites" : "crash.clean");
      if (n.core().role() == Role.LEADING && !n.core().isEstablishedLeader()) {
        count("crash.leaderInDiscoveryOrSync");
      }
      long torn = n.disk.tornTails;
      n.crash();
      if (n.disk.tornTails > torn) {
        count("crash.tornTail");
      }
      peersNoticeCrash(sid);
    }
  }

  /**
   * A killed process's connections are reset and its peers notice at once; a host that lost power
   * goes silent and only timeouts notice. Either happens.
   */
  private void peersNoticeCrash(long sid) {
    if (chance(0.5)) {
      for (long other : nodes.keySet()) {
        if (other != sid) {
          peerLostSoon(other, sid);
        }
      }
    }
  }

  /**
   * Within a tick, node {@code sid}'s runtime reports that its connection to {@code peer} broke.
   */
  void peerLostSoon(long sid, long peer) {
    SimNode n = nodes.get(sid);
    if (n == null || !n.isUp()) {
      return;
    }
    int incarnation = n.incarnation;
    schedule(
        now + 1 + random.nextInt(TICK),
        () -> {
          if (n.isUp() && n.incarnation == incarnation) {
            trace("peer lost %d -x %d", sid, peer);
            count("peerLost");
            n.handle(n.core().peerLost(peer));
          }
        });
  }

  /**
   * Crashes node {@code sid} keeping exactly the first {@code keepUnsynced} of its unsynced writes
   * (in write order), to aim a crash at one point of a persist sequence.
   */
  public void crash(long sid, int keepUnsynced) {
    SimNode n = nodes.get(sid);
    if (n.isUp()) {
      trace("crash %d keeping %d unsynced writes", sid, keepUnsynced);
      crashes++;
      n.crash(keepUnsynced);
      peersNoticeCrash(sid);
    }
  }

  /** How many writes of node {@code sid} are not yet durable. */
  public int unsyncedWrites(long sid) {
    return nodes.get(sid).disk.pendingCount();
  }

  /** Holds node {@code sid}'s fsyncs: its writes stay volatile until {@link #releaseSync}. */
  public void holdSync(long sid) {
    nodes.get(sid).syncHeld = true;
  }

  /** Lets node {@code sid}'s fsyncs complete again. */
  public void releaseSync(long sid) {
    nodes.get(sid).releaseSync();
  }

  /** Records every delivered message that matches {@code filter} into {@code sink}. */
  public void recordDeliveries(Predicate<Message> filter, java.util.List<Message> sink) {
    this.deliveryFilter = filter;
    this.deliverySink = sink;
  }

  /** Restarts node {@code sid} from its disk. */
  public void restart(long sid) {
    SimNode n = nodes.get(sid);
    if (!n.isUp()) {
      trace("restart %d", sid);
      n.boot();
      scheduleTicks(n);
    }
  }

  /** Cuts {@code sid} off from every other node, both ways. */
  public void isolate(long sid) {
    for (long o : nodes.keySet()) {
      if (o != sid) {
        network.block(sid, o);
        network.block(o, sid);
      }
    }
  }

  /** Blocks messages from {@code from} to {@code to} only. */
  public void blockOneWay(long from, long to) {
    network.block(from, to);
  }

  /** Lifts every partition. */
  public void heal() {
    network.unblockAll();
  }

  /** Drops every message matching {@code filter} until called again. */
  public void dropWhere(Predicate<Message> filter) {
    network.dropWhere(filter);
  }

  /** Breaks the connection between two nodes. */
  public void breakConnection(long a, long b) {
    network.breakConnection(a, b);
  }

  public SimNode node(long sid) {
    return nodes.get(sid);
  }

  public Collection<SimNode> nodes() {
    return nodes.values();
  }

  /** The committed history as far as any node committed it. */
  public List<Entry> committedHistory() {
    return List.copyOf(checker.history());
  }

  /** Which server established which epoch. */
  public java.util.Map<Long, Long> leaderByEpoch() {
    return java.util.Map.copyOf(checker.leaderByEpoch());
  }

  public long now() {
    return now;
  }

  /** One line on every node's role, epochs, last and committed zxids. */
  public String describe() {
    StringBuilder b = new StringBuilder("t=" + now / TICK);
    for (SimNode n : nodes.values()) {
      b.append(" | ").append(n.sid).append(':');
      if (!n.isUp()) {
        b.append("DOWN");
        continue;
      }
      b.append("applied=")
          .append(n.appliedCount())
          .append('/')
          .append(checker.history().size())
          .append(' ');
      ZabCore c = n.core();
      b.append(c.role())
          .append(c.role() == Role.LEADING && c.isEstablishedLeader() ? "*" : "")
          .append(" a=")
          .append(c.acceptedEpoch())
          .append(" c=")
          .append(c.currentEpoch())
          .append(" last=")
          .append(io.zabtx.replication.core.Zxid.format(c.lastZxid()))
          .append(" commit=")
          .append(io.zabtx.replication.core.Zxid.format(c.commitZxid()));
    }
    return b.toString();
  }

  // ---- plumbing for SimNode and SimNetwork ----

  SimOptions options() {
    return options;
  }

  RandomGenerator random() {
    return random;
  }

  boolean chance(double p) {
    return p > 0 && random.nextDouble() < p;
  }

  SimNetwork network() {
    return network;
  }

  InvariantChecker checker() {
    return checker;
  }

  void schedule(long time, Runnable action) {
    queue.add(new Event(time, eventSeq++, action));
  }

  void deliver(Message m) {
    SimNode n = nodes.get(m.to());
    if (n == null || !n.isUp()) {
      return;
    }
    trace("deliver %s", m);
    if (deliveryFilter.test(m)) {
      deliverySink.add(m);
    }
    if (m instanceof Message.SyncStart ss) {
      count("sync." + ss.mode());
    }
    n.handle(n.core().step(m));
  }

  void count(String what) {
    stats.merge(what, 1L, Long::sum);
  }

  void trace(String format, Object... args) {
    if (tracing) {
      String line =
          String.format("[t=%d.%d] ", now / TICK, now % TICK) + String.format(format, args);
      traceLines.add(line);
      System.out.println(line);
    }
  }

  private void scheduleTicks(SimNode n) {
    int incarnation = n.incarnation;
    long first = now + 1 + random.nextInt(TICK);
    schedule(
        first,
        new Runnable() {
          @Override
          public void run() {
            if (!n.isUp() || n.incarnation != incarnation) {
              return;
            }
            n.handle(n.core().tick());
            schedule(now + TICK, this);
          }
        });
  }

  private boolean faultTicksScheduled;

  /**
   * Faults are drawn once per tick from a driver of their own, independent of which nodes are up.
   */
  private void scheduleFaultTicks() {
    if (faultTicksScheduled) {
      return;
    }
    faultTicksScheduled = true;
    schedule(
        now + TICK,
        new Runnable() {
          @Override
          public void run() {
            if (faults) {
              faultInjector.inject();
            }
            schedule(now + TICK, this);
          }
        });
  }

  FaultInjector faults() {
    return faultInjector;
  }

  boolean faultsOn() {
    return faults;
  }

  private static Set<Long> union(Set<Long> a, Set<Long> b) {
    Set<Long> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }
}
