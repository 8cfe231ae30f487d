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
import io.zabtx.replication.storage.PendingSync;
import io.zabtx.replication.storage.ZabStorage;
import io.zabtx.replication.transport.PeerTransport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The event loop of one node, the only code besides {@link Syncer} that owns threads in the
 * replication runtime. It drains its inbox (peer messages, ticks, proposals), steps the core for
 * each, then carries out the batch of outputs as {@link Output} prescribes: write every persist op,
 * send what may leave before the fsync, make the writes durable with one fsync (group commit), send
 * the rest, apply committed entries, complete futures.
 *
 * <p>The group commit is pipelined: a batch that wrote something becomes a {@link Stage} whose
 * after-sync messages wait for its fsync, while the loop goes on with the next batch. Stages
 * complete strictly in order, and a message to a peer that still has messages held in a stage is
 * held behind them, so per-peer order holds exactly as without pipelining. Committed entries are
 * applied at once, in order: they are durable on a quorum, so they need not wait for this node's
 * disk. A learner with nothing else to do completes the fsync itself (its ack waits for exactly
 * that, so a hand-off would only add latency); a busy learner, and a leader always, let the {@link
 * Syncer} thread wait for the disk: a leader never blocks on its own fsync, since two followers'
 * acks commit without it, so a write waits for the second-fastest of three fsyncs.
 *
 * <p>All fields without {@code volatile} are touched only by the loop thread.
 */
final class NodeLoop {

  private static final System.Logger LOG = System.getLogger(NodeLoop.class.getName());

  /** A tick of the core's clock, posted by the ticker thread. */
  private static final Object TICK = new Object();

  private record Propose(byte[] data, CompletableFuture<Zxid> future) {}

  /** The transport saw the connection to {@code sid} break. */
  private record PeerLost(long sid) {}

  /** Posted by the syncer when a group commit became durable. */
  private static final Object SYNCED = new Object();

  /** At most this many group commits in flight; beyond it the loop waits for the oldest. */
  static final int MAX_STAGES = 64;

  /**
   * Messages held for a group commit ({@code sync}), or only for the stages before them ({@code
   * sync == null}, when an earlier stage holds messages to the same peers).
   */
  private record Stage(PendingSync sync, List<Message> held, long loggedZxid, long begunNanos) {}

  private final ZabNodeConfig config;
  private final long sid;
  private final StateMachine stateMachine;
  private final ZabStorage storage;
  private final PeerTransport transport;
  private final NodeMetrics metrics;
  private final BlockingQueue<Object> inbox;

  /**
   * At most one tick waits in the inbox. When the loop stalls (a long fsync, GC, a starved CPU),
   * the ticks it missed are not replayed back to back after the peer messages that arrived
   * meanwhile: that would expire sync limits for silence this node itself caused.
   */
  private final AtomicBoolean tickQueued = new AtomicBoolean();

  /** Messages this node sends itself; never dropped, drained before the inbox. */
  private final ArrayDeque<Message> selfQueue = new ArrayDeque<>();

  /** Proposals of this leader awaiting commit, in zxid order (the core assigns them in order). */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  private record Pending(long zxid, CompletableFuture<Zxid> future) {}

  private final ArrayDeque<Stage> stages = new ArrayDeque<>();
  private final List<Message> outgoing = new ArrayList<>();

  /** Peers with messages held in {@link #stages}, and how many; later messages queue behind. */
  private final Map<Long, Integer> heldPerPeer = new HashMap<>();

  private final AtomicBoolean syncedQueued = new AtomicBoolean();
  private final Syncer syncer;
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
  private volatile int stagesInFlight;

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
    this.syncer = new Syncer(sid, this::postSynced);
    this.thread = new Thread(this::run, "zab-" + sid + "-loop");
    this.thread.setDaemon(true);
  }

  void start() {
    DurableState state = storage.recovered();
    restoreStateMachine(state.snapshot());
    core = ZabCore.create(config.protocol(), state, new SplittableRandom(System.nanoTime() ^ sid));
    currentEpoch = core.currentEpoch();
    lastLogged = core.lastZxid();
    running = true;
    transport.start(this::onInbound, this::onPeerLost);
    long tickNanos = config.tick().toNanos();
    ticker.scheduleWithFixedDelay(this::postTick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    syncer.start();
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

  private void postTick() {
    if (tickQueued.compareAndSet(false, true) && !inbox.offer(TICK)) {
      tickQueued.set(false);
      metrics.inboxFull();
    }
  }

  private void postSynced() {
    if (syncedQueued.compareAndSet(false, true) && !inbox.offer(SYNCED)) {
      syncedQueued.set(false); // a full inbox keeps the loop busy; it checks its stages anyway
    }
  }

  private void onPeerLost(long peer) {
    if (!inbox.offer(new PeerLost(peer))) {
      metrics.inboxFull(); // the sync limit still notices a dead leader
    }
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

  boolean isEstablished() {
    return established;
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

  int stagesInFlight() {
    return stagesInFlight;
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
    syncer.close();
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
        completeStages();
        if (selfQueue.isEmpty() && !stages.isEmpty() && inbox.isEmpty() && role != Role.LEADING) {
          // A learner idle with a group commit in flight: its ack waits for exactly this fsync,
          // so finishing it here spares a wake-up hand-off.
          awaitOldestStage();
          continue;
        }
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
          if (event == SYNCED) {
            syncedQueued.set(false); // completeStages() picks the durable stages up
          } else {
            outputs.add(stepOne(event));
          }
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
      tickQueued.set(false);
      return core.tick();
    }
    if (event instanceof PeerLost lost) {
      return core.peerLost(lost.sid());
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
      pending.add(new Pending(out.proposedZxid(), p.future()));
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
    // With nothing written and nothing in flight, everything persisted so far is durable and
    // every message may leave now.
    boolean mayHold = wrote || !stages.isEmpty();
    List<Message> held = mayHold ? new ArrayList<>() : List.of();
    for (Output o : outputs) {
      for (Output.Send s : o.messages()) {
        long to = s.message().to();
        // Per-destination order is part of the contract: nothing overtakes a held message.
        if (mayHold && (s.afterSync() || heldPerPeer.containsKey(to))) {
          held.add(s.message());
          heldPerPeer.merge(to, 1, Integer::sum);
        } else {
          dispatch(s.message());
        }
      }
    }
    flushOutgoing(); // before the fsync: the leader's proposals travel while its disk works
    // Committed entries are durable on a quorum: they apply now, not after this node's fsync, so a
    // leader whose disk stalls still answers its clients once its followers acked.
    applyAll(outputs);
    PendingSync sync = wrote ? beginSync() : null;
    if (sync == null && held.isEmpty()) {
      return;
    }
    stages.add(new Stage(sync, held, core.lastZxid(), System.nanoTime()));
    stagesInFlight = stages.size();
    if (sync != null && (role == Role.LEADING || !(inbox.isEmpty() && selfQueue.isEmpty()))) {
      // Busy, or leading: a leader never blocks on its own disk, because two followers' acks
      // commit without it — a write then waits for the second-fastest of three fsyncs.
      syncer.submit(sync);
    }
    while (stages.size() > MAX_STAGES) {
      awaitOldestStage();
    }
  }

  private PendingSync beginSync() {
    try {
      return storage.beginSync();
    } catch (IOException e) {
      throw new UncheckedIOException("server " + sid + ": writing the log failed", e);
    }
  }

  /** Waits on this thread for the oldest group commit in flight, then completes what is durable. */
  private void awaitOldestStage() {
    for (Stage st : stages) {
      if (st.sync() != null) {
        try {
          st.sync().await();
        } catch (IOException e) {
          throw new UncheckedIOException("server " + sid + ": fsync failed", e);
        }
        break;
      }
    }
    completeStages();
  }

  /** Sends the held messages of, and applies, every stage at the head that is durable. */
  private void completeStages() {
    Throwable failed = syncer.failure();
    if (failed != null) {
      throw new IllegalStateException("server " + sid + ": fsync failed", failed);
    }
    boolean completed = false;
    while (!stages.isEmpty()) {
      Stage st = stages.peekFirst();
      if (st.sync() != null) {
        if (!st.sync().isDurable()) {
          break;
        }
        metrics.fsync(System.nanoTime() - st.begunNanos(), st.sync().ops());
        lastLogged = st.loggedZxid();
      }
      stages.pollFirst();
      for (Message m : st.held()) {
        heldPerPeer.compute(m.to(), (k, n) -> n == 1 ? null : n - 1);
        dispatch(m);
      }
      flushOutgoing();
      completed = true;
    }
    if (completed) {
      stagesInFlight = stages.size();
    }
  }

  private void applyAll(List<Output> outputs) {
    for (Output o : outputs) {
      apply(o);
    }
    maybeSnapshot();
  }

  /** Queues {@code m} for {@link #flushOutgoing()}, or for this node itself. */
  private void dispatch(Message m) {
    if (m.to() == sid) {
      selfQueue.add(m);
    } else {
      outgoing.add(m);
    }
  }

  /**
   * Hands everything dispatched since the last call to the transport in one call, so the messages
   * of one loop iteration for one peer share frames.
   */
  private void flushOutgoing() {
    if (!outgoing.isEmpty()) {
      transport.sendAll(outgoing);
      outgoing.clear();
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
      // Entries commit in zxid order; the head is this entry's proposal or a later one.
      while (!pending.isEmpty() && pending.peekFirst().zxid() <= e.zxid()) {
        Pending head = pending.pollFirst();
        if (head.zxid() == e.zxid()) {
          head.future().complete(z);
        } else { // cannot happen while leading; never leave a future hanging if it does
          head.future().completeExceptionally(new LeadershipLostException(sid));
        }
      }
    }
    // Before the role listeners run: a listener told "established" reads the new epoch here.
    currentEpoch = core.currentEpoch();
    if (o.roleChange() != null) {
      onRoleChange(o.roleChange());
    }
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
    pending.forEach(p -> p.future().completeExceptionally(cause));
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
