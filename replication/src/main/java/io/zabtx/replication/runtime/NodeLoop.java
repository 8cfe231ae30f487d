package io.zabtx.replication.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.zabtx.replication.core.DurableState;
import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Message;
import io.zabtx.replication.core.Output;
import io.zabtx.replication.core.PersistOp;
import io.zabtx.replication.core.Role;
import io.zabtx.replication.core.Snapshot;
import io.zabtx.replication.core.ZabCore;
import io.zabtx.replication.core.Zxid;
import io.zabtx.replication.storage.ZabStorage;
import io.zabtx.replication.transport.PeerTransport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The only code that owns threads in the replication runtime: one event loop per node that drains
 * its inbox (peer messages, ticks, proposals), steps the core for each, then carries out the batch
 * of outputs as {@link Output} prescribes: write every persist op, send what may leave before the
 * fsync, fsync once (group commit), send the rest, apply committed entries, complete futures.
 *
 * <p>All fields without {@code volatile} are touched only by the loop thread.
 */
final class NodeLoop {

  private static final System.Logger LOG = System.getLogger(NodeLoop.class.getName());

  /** A tick of the core's clock, posted by the ticker thread. */
  private static final Object TICK = new Object();

  private record Propose(byte[] data, CompletableFuture<Zxid> future) {}

  private final ZabNodeConfig config;
  private final long sid;
  private final StateMachine stateMachine;
  private final ZabStorage storage;
  private final PeerTransport transport;
  private final NodeMetrics metrics;
  private final BlockingQueue<Object> inbox;

  /** Messages this node sends itself; never dropped, drained before the inbox. */
  private final ArrayDeque<Message> selfQueue = new ArrayDeque<>();

  private final TreeMap<Long, CompletableFuture<Zxid>> pending = new TreeMap<>();
  private final List<RoleListener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker;
  private final Thread thread;
  private ZabCore core;
  private long appliedSinceSnapshot;
  private long appliedBytesSinceSnapshot;

  private volatile boolean running;
  private volatile Role role = Role.LOOKING;
  private volatile long leader = -1;
  private volatile boolean established;
  private volatile long lastApplied;
  private volatile long currentEpoch;
  private volatile long lastLogged;

  NodeLoop(
      ZabNodeConfig config,
      StateMachine stateMachine,
      ZabStorage storage,
      PeerTransport transport,
      MeterRegistry registry) {
    this.config = config;
    this.sid = config.protocol().sid();
    this.stateMachine = stateMachine;
    this.storage = storage;
    this.transport = transport;
    this.inbox = new ArrayBlockingQueue<>(config.inboxCapacity());
    this.metrics = new NodeMetrics(registry, sid, this);
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "zab-" + sid + "-ticker");
              t.setDaemon(true);
              return t;
            });
    this.thread = new Thread(this::run, "zab-" + sid + "-loop");
    this.thread.setDaemon(true);
  }

  void start() {
    DurableState state = storage.recovered();
    restoreStateMachine(state.snapshot());
    core = ZabCore.create(config.protocol(), state, new SplittableRandom(System.nanoTime() ^ sid));
    currentEpoch = core.currentEpoch();
    running = true;
    transport.start(this::onInbound);
    long tickNanos = config.tick().toNanos();
    ticker.scheduleAtFixedRate(() -> inbox.offer(TICK), tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    thread.start();
    LOG.log(
        Level.INFO,
        "server {0}: started with epoch {1}, last zxid {2}, snapshot {3}",
        sid,
        core.currentEpoch(),
        Zxid.format(core.lastZxid()),
        Zxid.format(state.snapshot().zxid()));
  }

  // ---- calls from other threads ----

  CompletableFuture<Zxid> propose(byte[] data) {
    CompletableFuture<Zxid> f = new CompletableFuture<>();
    if (!running) {
      f.completeExceptionally(new IllegalStateException("server " + sid + " is not running"));
    } else if (role != Role.LEADING || !established) {
      f.completeExceptionally(new NotLeaderException(sid, leader));
    } else if (!inbox.offer(new Propose(data, f))) {
      metrics.inboxFull();
      f.completeExceptionally(new OverloadedException("the event loop's inbox of server " + sid));
    }
    return f;
  }

  private void onInbound(Message m) {
    if (!inbox.offer(m)) {
      // The core numbers session messages: the gap this leaves restarts the session cleanly.
      metrics.inboxFull();
    }
  }

  void addRoleListener(RoleListener l) {
    listeners.add(l);
  }

  long sid() {
    return sid;
  }

  Role role() {
    return role;
  }

  long leader() {
    return leader;
  }

  boolean isEstablishedLeader() {
    return role == Role.LEADING && established;
  }

  long lastApplied() {
    return lastApplied;
  }

  long currentEpoch() {
    return currentEpoch;
  }

  long lastLogged() {
    return lastLogged;
  }

  int inboxDepth() {
    return inbox.size();
  }

  PeerTransport transport() {
    return transport;
  }

  void close() {
    if (!running) {
      return;
    }
    running = false;
    ticker.shutdownNow();
    inbox.offer(TICK); // wake the loop
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    transport.close();
    try {
      storage.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "server " + sid + ": closing storage failed", e);
    }
    failPending(new IllegalStateException("server " + sid + " stopped"));
    metrics.close();
  }

  // ---- the loop ----

  private void run() {
    List<Object> batch = new ArrayList<>(config.maxBatch());
    List<Output> outputs = new ArrayList<>(config.maxBatch());
    try {
      handle(List.of(core.start()));
      while (running) {
        batch.clear();
        outputs.clear();
        if (selfQueue.isEmpty()) {
          Object first = inbox.poll(config.tick().toNanos(), TimeUnit.NANOSECONDS);
          if (first != null) {
            batch.add(first);
          }
        }
        inbox.drainTo(batch, config.maxBatch() - batch.size());
        while (!selfQueue.isEmpty()) {
          outputs.add(core.step(selfQueue.pollFirst()));
        }
        for (Object event : batch) {
          outputs.add(stepOne(event));
        }
        if (!outputs.isEmpty()) {
          handle(outputs);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // Storage or state-machine failure: this node's state can no longer be trusted.
      LOG.log(Level.ERROR, "server " + sid + ": event loop stopped by a fatal error", e);
      running = false;
      failPending(e);
    }
  }

  private Output stepOne(Object event) {
    if (event == TICK) {
      return core.tick();
    }
    if (event instanceof Message m) {
      if (m instanceof Message.SyncStart ss) {
        metrics.synced(ss.mode());
      }
      return core.step(m);
    }
    Propose p = (Propose) event;
    Output out = core.propose(p.data());
    if (out.proposedZxid() > 0) {
      pending.put(out.proposedZxid(), p.future());
      metrics.proposed();
    } else if (core.isEstablishedLeader()) {
      p.future()
          .completeExceptionally(
              new OverloadedException("the leader's window of uncommitted proposals"));
    } else {
      p.future().completeExceptionally(new NotLeaderException(sid, core.leaderId()));
    }
    return out;
  }

  /** Carries out a batch of outputs in the order {@link Output} prescribes. */
  private void handle(List<Output> outputs) {
    boolean wrote = false;
    for (Output o : outputs) {
      for (PersistOp op : o.persist()) {
        io(() -> storage.write(op));
        wrote = true;
      }
    }
    // Messages that may leave before the fsync do, unless an after-sync message to the same
    // destination is ahead of them (per-destination order is part of the contract).
    Map<Long, List<Message>> held = new TreeMap<>();
    for (Output o : outputs) {
      for (Output.Send s : o.messages()) {
        long to = s.message().to();
        List<Message> h = held.get(to);
        if (s.afterSync() || h != null) {
          held.computeIfAbsent(to, k -> new ArrayList<>()).add(s.message());
        } else {
          dispatch(s.message());
        }
      }
    }
    if (wrote) {
      long start = System.nanoTime();
      int ops;
      try {
        ops = storage.sync();
      } catch (IOException e) {
        throw new UncheckedIOException("server " + sid + ": fsync failed", e);
      }
      metrics.fsync(System.nanoTime() - start, ops);
    }
    for (List<Message> h : held.values()) {
      h.forEach(this::dispatch);
    }
    for (Output o : outputs) {
      apply(o);
    }
    lastLogged = core.lastZxid();
    maybeSnapshot();
  }

  private void dispatch(Message m) {
    if (m.to() == sid) {
      selfQueue.add(m);
    } else {
      transport.send(m);
    }
  }

  private void apply(Output o) {
    if (o.restore() != null) {
      restoreStateMachine(o.restore());
    }
    for (Entry e : o.committed()) {
      Zxid z = new Zxid(e.zxid());
      stateMachine.apply(z, e.data());
      lastApplied = e.zxid();
      appliedSinceSnapshot++;
      appliedBytesSinceSnapshot += e.data().length;
      metrics.committed();
      CompletableFuture<Zxid> f = pending.remove(e.zxid());
      if (f != null) {
        f.complete(z);
      }
    }
    if (o.roleChange() != null) {
      onRoleChange(o.roleChange());
    }
    currentEpoch = core.currentEpoch();
  }

  private void onRoleChange(Output.RoleChange rc) {
    boolean wasLeading = role == Role.LEADING;
    role = rc.role();
    leader = rc.leader();
    established = rc.epoch() >= 0;
    if (rc.role() == Role.LOOKING) {
      metrics.election();
    }
    if (wasLeading && !(rc.role() == Role.LEADING)) {
      failPending(new LeadershipLostException(sid));
    }
    LOG.log(
        established ? Level.INFO : Level.DEBUG,
        "server {0}: {1}, leader {2}{3}",
        sid,
        rc.role(),
        rc.leader(),
        established ? ", epoch " + rc.epoch() + " established" : "");
    for (RoleListener l : listeners) {
      try {
        l.roleChanged(rc.role(), rc.leader(), established);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "role listener failed", e);
      }
    }
  }

  private void failPending(Throwable cause) {
    pending.values().forEach(f -> f.completeExceptionally(cause));
    pending.clear();
  }

  private void maybeSnapshot() {
    if (appliedSinceSnapshot < config.snapshotEveryEntries()
        && appliedBytesSinceSnapshot < config.snapshotEveryBytes()) {
      return;
    }
    if (lastApplied > core.commitZxid()) {
      return; // a SNAP restore is in flight; the next round takes it
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      stateMachine.snapshot(out);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "server " + sid + ": state machine snapshot failed; skipped", e);
      return;
    }
    Snapshot s = new Snapshot(lastApplied, out.toByteArray());
    io(() -> storage.saveSnapshot(s));
    core.snapshotTaken(s);
    appliedSinceSnapshot = 0;
    appliedBytesSinceSnapshot = 0;
    metrics.snapshot(s.data().length);
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /** Storage failures are fatal for the node: its durable state can no longer be trusted. */
  private void io(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException("server " + sid + ": storage failed", e);
    }
  }

  private void restoreStateMachine(Snapshot s) {
    try {
      stateMachine.restore(new ByteArrayInputStream(s.data()));
    } catch (IOException e) {
      throw new IllegalStateException(
          "server "
              + sid
              + ": cannot restore the state machine from"
              + " snapshot "
              + Zxid.format(s.zxid()),
          e);
    }
    lastApplied = s.zxid();
  }
}
