package io.zabtx.participant.runtime;

import io.zabtx.participant.branch.Admission;
import io.zabtx.participant.branch.BranchCommand;
import io.zabtx.participant.branch.BranchCommand.Ack;
import io.zabtx.participant.branch.BranchCommand.Forget;
import io.zabtx.participant.branch.BranchCommand.LocalCommit;
import io.zabtx.participant.branch.BranchCommand.LocalRollback;
import io.zabtx.participant.branch.BranchCommand.Persist;
import io.zabtx.participant.branch.BranchCommand.QueryOutcome;
import io.zabtx.participant.branch.BranchCommand.Reject;
import io.zabtx.participant.branch.BranchCommand.ReportHeuristic;
import io.zabtx.participant.branch.BranchCommand.Vote;
import io.zabtx.participant.branch.BranchEffects;
import io.zabtx.participant.branch.BranchEngine;
import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchProtocol;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.branch.ClusterOutcome;
import io.zabtx.participant.branch.DurableBranch;
import io.zabtx.participant.branch.Phase;
import io.zabtx.participant.jdbc.BranchTicket;
import io.zabtx.participant.store.BranchStore;
import io.zabtx.participant.undo.HazardException;
import io.zabtx.protocol.v1.ReportHeuristicResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of the runtime: feeds events into the {@link BranchEngine} and carries out the
 * commands it emits. Durable steps go to the branch's store lane, cluster calls to the cluster
 * pool; each reports back as a result event on the engine's thread. Votes and acknowledgements are
 * handed to the waiting {@link PhaseReply} only as the engine emits them, so durability comes
 * first.
 *
 * <p>Threading: every method runs on the engine loop's thread, except {@link #tracked()} and {@link
 * #failPending} (called once the loop has stopped).
 */
final class EngineDriver {

  private static final Logger LOG = LoggerFactory.getLogger(EngineDriver.class);

  private final BranchEngine engine;
  private final BranchEffects effects = new BranchEffects();
  private final BranchStore store;
  private final CoordinatorClient coordinator;
  private final Workers workers;
  private final RuntimeMetrics metrics;
  private final Registrations registrations;
  private final LongSupplier clock;
  private EngineLoop loop;

  // Engine thread only. Both are bounded by the engine: a request waits only while its branch is
  // tracked (maxBranches x maxQueuedPerBranch), a detail only until its heuristic is reported.
  private final Map<Long, Pending> pending = new HashMap<>();
  private final Map<BranchKey, String> hazardDetails = new HashMap<>();
  private long nextRequestId;
  private volatile int tracked;

  private record Pending(Phase phase, PhaseReply reply) {}

  EngineDriver(
      BranchEngine engine,
      BranchStore store,
      CoordinatorClient coordinator,
      Workers workers,
      RuntimeMetrics metrics,
      Registrations registrations,
      LongSupplier clock) {
    this.engine = engine;
    this.store = store;
    this.coordinator = coordinator;
    this.workers = workers;
    this.metrics = metrics;
    this.registrations = registrations;
    this.clock = clock;
  }

  void attach(EngineLoop loop) {
    this.loop = loop;
  }

  // ---- events ----

  void recover(List<DurableBranch> rows) {
    engine.recover(rows, now(), effects);
    LOG.info("resumed {} branch(es) from the store", rows.size());
  }

  void tick() {
    engine.tick(now(), effects);
  }

  Admission admit(String xid, int branchId) {
    return engine.admitWork(xid, branchId, now());
  }

  void workCommitted(BranchTicket t) {
    try {
      engine.workCommitted(t.key(), t.protocol(), t.deadlineMillis(), now(), effects);
    } catch (IllegalStateException e) {
      // The wrapper committed work the engine cannot take (a bug or a misuse); its row is durable
      // and a restart will see it, so say loudly what happened.
      LOG.error("local work of branch {} committed but not accepted: {}", t.key(), e.getMessage());
    }
  }

  void phase(BranchKey key, BranchProtocol protocol, Phase phase, PhaseReply reply) {
    long id = ++nextRequestId;
    pending.put(id, new Pending(phase, reply));
    engine.phase(id, key, protocol, phase, now(), effects);
  }

  /** Runs after every event: carries out what the engine emitted. */
  void apply() {
    List<BranchCommand> commands = List.copyOf(effects.commands());
    effects.clear();
    for (BranchCommand c : commands) {
      carryOut(c);
    }
    tracked = engine.size();
  }

  /** Branches tracked, as of the last event (any thread). */
  int tracked() {
    return tracked;
  }

  /** The loop stopped: answers every request still waiting. Only once the loop thread ended. */
  void failPending(String why) {
    pending.values().forEach(p -> p.reply().unavailable(why));
    pending.clear();
  }

  // ---- commands ----

  private void carryOut(BranchCommand c) {
    if (c instanceof Persist p) {
      persist(p);
    } else if (c instanceof LocalCommit lc) {
      localCommit(lc);
    } else if (c instanceof LocalRollback lr) {
      localRollback(lr);
    } else if (c instanceof Vote v) {
      answer(v.requestId(), v.yes() ? "yes" : "no", r -> r.voted(v.yes(), v.reason()));
    } else if (c instanceof Ack a) {
      answer(a.requestId(), "ack", r -> r.acked(a.state()));
    } else if (c instanceof Reject j) {
      answer(j.requestId(), "reject", r -> r.rejected(j.reason()));
    } else if (c instanceof QueryOutcome q) {
      query(q.key());
    } else if (c instanceof ReportHeuristic h) {
      report(h.key(), h.state());
    } else if (c instanceof Forget f) {
      forget(f.key());
    } else {
      throw new IllegalStateException("unknown command " + c);
    }
  }

  private void answer(long requestId, String result, Consumer<PhaseReply> how) {
    Pending p = pending.remove(requestId);
    if (p == null) {
      LOG.error("the engine answered request {} which nobody waits for", requestId);
      return;
    }
    metrics.phase(p.phase(), result);
    try {
      how.accept(p.reply());
    } catch (RuntimeException e) {
      LOG.debug("answering {} request {} failed (caller gone?)", p.phase(), requestId, e);
    }
  }

  private void persist(Persist p) {
    BranchKey key = p.key();
    DurableBranch row = new DurableBranch(key, p.protocol(), p.state(), p.deadlineMillis());
    boolean queued =
        workers.store(
            key,
            () -> {
              try {
                store.persist(row);
                post(() -> engine.persisted(key, now(), effects));
              } catch (Exception e) {
                stepFailed("persist", key, e);
                post(() -> engine.persistFailed(key, reason(e), now(), effects));
              }
            });
    if (!queued) {
      metrics.stepFailed("persist");
      engine.persistFailed(key, "the store's work queue is full", now(), effects);
      apply();
    }
  }

  private void localCommit(LocalCommit lc) {
    BranchKey key = lc.key();
    boolean queued =
        workers.store(
            key,
            () -> {
              try {
                store.localCommit(key, lc.finalState());
                if (lc.finalState().isHeuristic()) {
                  metrics.heuristic(lc.finalState());
                  LOG.warn("branch {} committed unilaterally ({})", key, lc.finalState());
                }
                post(
                    () -> {
                      registrations.finished(key);
                      engine.localCommitted(key, now(), effects);
                    });
              } catch (Exception e) {
                stepFailed("commit", key, e);
                post(() -> engine.localStepFailed(key, reason(e), now(), effects));
              }
            });
    if (!queued) {
      metrics.stepFailed("commit");
      engine.localStepFailed(key, "the store's work queue is full", now(), effects);
      apply();
    }
  }

  private void localRollback(LocalRollback lr) {
    BranchKey key = lr.key();
    boolean queued =
        workers.store(
            key,
            () -> {
              try {
                store.localRollback(key, lr.finalState());
                if (lr.finalState().isHeuristic()) {
                  metrics.heuristic(lr.finalState());
                  LOG.warn("branch {} rolled back unilaterally ({})", key, lr.finalState());
                }
                post(
                    () -> {
                      registrations.finished(key);
                      engine.rolledBack(key, now(), effects);
                    });
              } catch (HazardException h) {
                metrics.heuristic(BranchState.HEURISTIC_HAZARD);
                LOG.warn("branch {} cannot be rolled back: {}", key, h.getMessage());
                post(
                    () -> {
                      hazardDetails.put(key, h.getMessage());
                      registrations.finished(key);
                      engine.rollbackHazard(key, now(), effects);
                    });
              } catch (Exception e) {
                stepFailed("rollback", key, e);
                post(() -> engine.localStepFailed(key, reason(e), now(), effects));
              }
            });
    if (!queued) {
      metrics.stepFailed("rollback");
      engine.localStepFailed(key, "the store's work queue is full", now(), effects);
      apply();
    }
  }

  private void forget(BranchKey key) {
    registrations.finished(key);
    hazardDetails.remove(key);
    boolean queued =
        workers.store(
            key,
            () -> {
              try {
                store.forget(key);
              } catch (Exception e) {
                // The row stays; the next start loads it as finished and forgets it again.
                stepFailed("forget", key, e);
              }
            });
    if (!queued) {
      metrics.stepFailed("forget");
    }
  }

  private void query(BranchKey key) {
    boolean queued =
        workers.cluster(
            () -> {
              ClusterOutcome o;
              try {
                o = WireMapping.outcome(coordinator.queryOutcome(key.xid(), key.branchId()));
              } catch (CoordinatorCallException e) {
                o = WireMapping.outcome(e);
                LOG.debug("outcome of {} unknown ({}): {}", key, o, e.getMessage());
              }
              metrics.query(o);
              ClusterOutcome answer = o;
              post(() -> engine.outcome(key, answer, now(), effects));
            });
    if (!queued) {
      // Not an answer from the cluster, so not UNREACHABLE (which would bring a heuristic decision
      // closer): ask again after the backoff as if the cluster had said "not yet".
      LOG.warn("outcome query for {} not sent: the cluster call queue is full", key);
      engine.outcome(key, ClusterOutcome.UNDECIDED, now(), effects);
      apply();
    }
  }

  private void report(BranchKey key, BranchState state) {
    String detail = hazardDetails.getOrDefault(key, defaultDetail(state));
    boolean queued =
        workers.cluster(
            () -> {
              try {
                ReportHeuristicResponse r =
                    coordinator.reportHeuristic(
                        key.xid(), key.branchId(), WireMapping.heuristic(state), detail);
                metrics.report(r.getMixed() ? "mixed" : "recorded");
                if (r.getMixed()) {
                  LOG.warn(
                      "branch {} reported {}, contradicting the decision {}: the transaction is"
                          + " HEURISTIC_MIXED and needs an operator",
                      key,
                      state,
                      r.getDecided());
                } else {
                  LOG.info("branch {} reported {} (decision {})", key, state, r.getDecided());
                }
                post(
                    () -> {
                      hazardDetails.remove(key);
                      engine.heuristicReported(key, now(), effects);
                    });
              } catch (CoordinatorCallException e) {
                metrics.report("failed");
                LOG.debug("reporting {} of {} failed: {}", state, key, e.getMessage());
                post(() -> engine.heuristicReportFailed(key, now(), effects));
              }
            });
    if (!queued) {
      metrics.report("failed");
      engine.heuristicReportFailed(key, now(), effects);
      apply();
    }
  }

  private static String defaultDetail(BranchState state) {
    return switch (state) {
      case HEURISTIC_ABORT ->
          "READY past its deadline and heuristic-after with no quorum answering: rolled back"
              + " unilaterally";
      case HEURISTIC_COMMIT ->
          "PRECOMMITTED past its deadline and heuristic-after with no quorum answering: committed"
              + " unilaterally";
      default -> "rollback refused: a row changed after the branch wrote it";
    };
  }

  private void post(Runnable event) {
    loop.post(event::run);
  }

  private void stepFailed(String step, BranchKey key, Exception e) {
    metrics.stepFailed(step);
    LOG.warn("{} of branch {} failed: {}", step, key, reason(e));
  }

  private static String reason(Exception e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private long now() {
    return clock.getAsLong();
  }
}
