package io.zabtx.coordinator.runtime;

import io.zabtx.coordinator.engine.Answer;
import io.zabtx.coordinator.engine.Command;
import io.zabtx.coordinator.engine.Effects;
import io.zabtx.coordinator.engine.EngineStats;
import io.zabtx.coordinator.engine.TxEngine;
import io.zabtx.coordinator.log.DecisionLog;
import io.zabtx.coordinator.log.RecordCodec;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.participant.DeliveryResult;
import io.zabtx.replication.core.Role;
import io.zabtx.replication.runtime.NotLeaderException;
import io.zabtx.replication.runtime.OverloadedException;
import io.zabtx.replication.runtime.ZabNode;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The one thread that drives a {@link TxEngine}: it takes requests, participant answers, proposal
 * results and leadership changes from its queue, steps the engine with the current time, and
 * carries out the engine's commands (send to a participant through the {@link PhaseSender}, propose
 * to the {@link ZabNode}, complete a request's future). The engine's state is touched by this
 * thread only, so it needs no locks.
 *
 * <p>Bounds: external requests waiting for the thread are limited ({@code maxPendingRequests});
 * beyond it they fail at once with OVERLOADED. Internal events (answers to sends and proposals the
 * engine made) are never dropped; they are bounded by what the engine has outstanding, which its
 * own limits bound.
 */
public final class TxRuntime implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(TxRuntime.class.getName());

  /** How often the engine's clock ticks when nothing else happens. */
  static final long TICK_MILLIS = 5;

  private static final int MAX_BATCH = 1024;

  /** An engine request: call it with the request id the runtime assigned. */
  @FunctionalInterface
  public interface EngineCall {
    void call(TxEngine engine, long requestId, long now, Effects out);
  }

  /** Sends a phase message to a participant and reports the result exactly once. */
  @FunctionalInterface
  public interface PhaseSender {
    void send(Command.Send send, java.util.function.Consumer<DeliveryResult> onResult);
  }

  private record Request(EngineCall call, CompletableFuture<Answer> future) {}

  private record Query<T>(Function<TxEngine, T> read, CompletableFuture<T> future) {}

  private record Delivered(Command.Send send, DeliveryResult result) {}

  private record ProposalDone(long proposalId, Throwable failure) {}

  private record Gained(long epoch, List<LoggedTx> unfinished) {}

  private static final Object LOST = new Object();
  private static final Object STOP = new Object();

  private final TxEngine engine;
  private final ZabNode node;
  private final PhaseSender sender;
  private final LongSupplier clock;
  private final int maxPendingRequests;
  private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final AtomicInteger pendingRequests = new AtomicInteger();
  private final Map<Long, CompletableFuture<Answer>> waiting = new HashMap<>();
  private final Effects effects = new Effects();
  private final Thread thread;
  private long nextRequestId = 1;
  private long lastTick;
  private boolean zabLeading; // touched on the ZAB loop thread only

  private volatile boolean running;
  private volatile boolean leader;
  private volatile long epoch;
  private volatile EngineStats stats;

  /**
   * @param engine the engine, owned by this runtime from now on
   * @param log the decision log replicated by {@code node}
   * @param node the ZAB node (started or not); this runtime listens to its role changes
   * @param sender delivers phase messages to participants
   * @param clock milliseconds since the Unix epoch
   * @param maxPendingRequests requests waiting for this thread before new ones are refused
   */
  public TxRuntime(
      TxEngine engine,
      DecisionLog log,
      ZabNode node,
      PhaseSender sender,
      LongSupplier clock,
      int maxPendingRequests) {
    this.engine = engine;
    this.node = node;
    this.sender = sender;
    this.clock = clock;
    this.maxPendingRequests = maxPendingRequests;
    this.stats = engine.stats();
    this.thread = new Thread(this::run, "zabtx-engine-" + node.sid());
    this.thread.setDaemon(true);
    // Called on the ZAB loop right after the epoch's initial history was applied to the log (see
    // RoleListener): unfinished() is then complete for this epoch.
    node.addRoleListener(
        (role, leaderId, established) -> {
          if (role == Role.LEADING && established) {
            zabLeading = true;
            events.add(new Gained(node.currentEpoch(), log.unfinished()));
          } else if (zabLeading) {
            zabLeading = false;
            events.add(LOST);
          }
        });
  }

  /** Starts the engine's thread. */
  public TxRuntime start() {
    running = true;
    lastTick = clock.getAsLong();
    thread.start();
    return this;
  }

  /** True while this node's engine leads (as of its last batch). */
  public boolean isLeader() {
    return leader;
  }

  /** The epoch the engine leads, or 0. */
  public long epoch() {
    return epoch;
  }

  /** The engine's counters as of its last batch. */
  public EngineStats stats() {
    return stats;
  }

  /** Requests waiting for the engine's thread. */
  public int pendingRequests() {
    return pendingRequests.get();
  }

  /**
   * Runs {@code call} on the engine's thread; the future completes with the engine's answer. Fails
   * at once with OVERLOADED when too many requests wait.
   */
  public CompletableFuture<Answer> call(EngineCall call) {
    CompletableFuture<Answer> f = new CompletableFuture<>();
    if (!running) {
      f.complete(new Answer.Failure(ErrorCode.NO_QUORUM, "the coordinator is shutting down"));
    } else if (pendingRequests.incrementAndGet() > maxPendingRequests) {
      pendingRequests.decrementAndGet();
      f.complete(
          new Answer.Failure(
              ErrorCode.OVERLOADED,
              "the coordinator's request queue is full (" + maxPendingRequests + "); retry later",
              50));
    } else {
      events.add(new Request(call, f));
    }
    return f;
  }

  /** Reads the engine's memory on its thread. */
  public <T> CompletableFuture<T> query(Function<TxEngine, T> read) {
    CompletableFuture<T> f = new CompletableFuture<>();
    if (!running) {
      f.completeExceptionally(new IllegalStateException("the coordinator is shutting down"));
    } else {
      events.add(new Query<>(read, f));
    }
    return f;
  }

  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    events.add(STOP);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the loop ----

  private void run() {
    List<Object> batch = new ArrayList<>(MAX_BATCH);
    try {
      while (running) {
        batch.clear();
        Object first = events.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          events.drainTo(batch, MAX_BATCH - 1);
        }
        long now = clock.getAsLong();
        for (Object ev : batch) {
          handle(ev, now);
        }
        if (now - lastTick >= TICK_MILLIS) {
          lastTick = now;
          engine.tick(now, effects);
        }
        execute();
        leader = engine.isLeader();
        epoch = engine.epoch();
        stats = engine.stats();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.log(Level.ERROR, "transaction engine stopped by an unexpected error", e);
    } finally {
      running = false;
      leader = false;
      failAll();
    }
  }

  private void handle(Object ev, long now) {
    if (ev instanceof Request r) {
      pendingRequests.decrementAndGet();
      long id = nextRequestId++;
      waiting.put(id, r.future());
      r.call().call(engine, id, now, effects);
    } else if (ev instanceof Delivered d) {
      delivered(d, now);
    } else if (ev instanceof ProposalDone p) {
      if (p.failure() == null) {
        engine.recordDurable(p.proposalId(), now, effects);
      } else {
        Throwable c = p.failure() instanceof CompletionException ce ? ce.getCause() : p.failure();
        boolean certainlyNotLogged =
            c instanceof NotLeaderException || c instanceof OverloadedException;
        engine.recordFailed(p.proposalId(), !certainlyNotLogged, String.valueOf(c), now, effects);
      }
    } else if (ev instanceof Gained g) {
      LOG.log(
          Level.INFO,
          "leading epoch {0}: resuming {1} decided transaction(s)",
          g.epoch(),
          g.unfinished().size());
      engine.becomeLeader(g.epoch(), g.unfinished(), now, effects);
    } else if (ev == LOST) {
      LOG.log(Level.INFO, "no longer leading epoch {0}", engine.epoch());
      engine.stepDown(now, effects);
    } else if (ev instanceof Query<?> q) {
      answerQuery(q);
    }
  }

  private <T> void answerQuery(Query<T> q) {
    try {
      q.future().complete(q.read().apply(engine));
    } catch (RuntimeException e) {
      q.future().completeExceptionally(e);
    }
  }

  private void delivered(Delivered d, long now) {
    Command.Send s = d.send();
    DeliveryResult r = d.result();
    if (r instanceof DeliveryResult.Voted v) {
      engine.voteReceived(s.xid(), s.branchId(), v.vote(), v.reason(), now, effects);
    } else if (r instanceof DeliveryResult.Acked a) {
      engine.ackReceived(s.xid(), s.branchId(), s.phase(), a.state(), now, effects);
    } else if (r instanceof DeliveryResult.Failed f) {
      engine.deliveryFailed(s.xid(), s.branchId(), s.phase(), f.why(), now, effects);
    }
  }

  private void execute() {
    if (effects.isEmpty()) {
      return;
    }
    for (Command c : effects.commands()) {
      if (c instanceof Command.Send s) {
        sender.send(s, r -> events.add(new Delivered(s, r)));
      } else if (c instanceof Command.Propose p) {
        propose(p);
      } else if (c instanceof Command.Reply r) {
        CompletableFuture<Answer> f = waiting.remove(r.requestId());
        if (f != null) {
          f.complete(r.answer());
        }
      }
    }
    effects.clear();
  }

  private void propose(Command.Propose p) {
    byte[] bytes = RecordCodec.encode(p.record());
    node.propose(bytes)
        .whenComplete((zxid, failure) -> events.add(new ProposalDone(p.proposalId(), failure)));
  }

  private void failAll() {
    Answer.Failure stopped =
        new Answer.Failure(ErrorCode.OUTCOME_UNKNOWN, "the coordinator stopped; ask again");
    waiting.values().forEach(f -> f.complete(stopped));
    waiting.clear();
    for (Object ev : events) {
      if (ev instanceof Request r) {
        r.future().complete(stopped);
      } else if (ev instanceof Query<?> q) {
        q.future().completeExceptionally(new IllegalStateException("the coordinator stopped"));
      }
    }
    events.clear();
  }
}
