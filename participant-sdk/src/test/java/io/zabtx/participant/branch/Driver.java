package io.zabtx.participant.branch;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.participant.branch.BranchCommand.Ack;
import io.zabtx.participant.branch.BranchCommand.LocalCommit;
import io.zabtx.participant.branch.BranchCommand.LocalRollback;
import io.zabtx.participant.branch.BranchCommand.Persist;
import io.zabtx.participant.branch.BranchCommand.Reject;
import io.zabtx.participant.branch.BranchCommand.Vote;
import java.util.ArrayList;
import java.util.List;

/** Drives one {@link BranchEngine} synchronously, playing a runtime whose durable steps succeed. */
final class Driver {

  static final long START = 1_000_000;
  static final long DEADLINE_IN = 10_000;
  static final long MIN_BACKOFF = 100;
  static final long MAX_BACKOFF = 1_600;
  static final long HEURISTIC_AFTER = 5_000;
  static final long RETENTION = 60_000;

  static BranchConfig config() {
    return new BranchConfig(100, MIN_BACKOFF, MAX_BACKOFF, HEURISTIC_AFTER, RETENTION, 4);
  }

  final BranchEngine engine;
  final BranchEffects out = new BranchEffects();
  long now = START;
  private long nextRequest = 1;

  Driver() {
    this(config());
  }

  Driver(BranchConfig config) {
    engine = new BranchEngine(config);
  }

  static BranchKey key(String xid, int branchId) {
    return new BranchKey(xid, branchId);
  }

  /** The commands emitted since the last take. */
  List<BranchCommand> take() {
    List<BranchCommand> c = new ArrayList<>(out.commands());
    out.clear();
    return c;
  }

  void work(BranchKey k, BranchProtocol p) {
    assertThat(engine.admitWork(k.xid(), k.branchId(), now).allowed()).isTrue();
    engine.workCommitted(k, p, now + DEADLINE_IN, now, out);
  }

  long phase(BranchKey k, BranchProtocol p, Phase phase) {
    long id = nextRequest++;
    engine.phase(id, k, p, phase, now, out);
    return id;
  }

  void tick() {
    engine.tick(now, out);
  }

  /**
   * Completes every durable step in {@code out} (and those they lead to) successfully; returns
   * everything emitted, durable steps included, in order.
   */
  List<BranchCommand> settle() {
    List<BranchCommand> seen = new ArrayList<>();
    List<BranchCommand> batch = take();
    while (!batch.isEmpty()) {
      seen.addAll(batch);
      for (BranchCommand c : batch) {
        complete(c);
      }
      batch = take();
    }
    return seen;
  }

  /** Reports a durable step done. */
  void complete(BranchCommand c) {
    if (c instanceof Persist) {
      engine.persisted(c.key(), now, out);
    } else if (c instanceof LocalCommit) {
      engine.localCommitted(c.key(), now, out);
    } else if (c instanceof LocalRollback) {
      engine.rolledBack(c.key(), now, out);
    }
  }

  static boolean isDurableStep(BranchCommand c) {
    return c instanceof Persist || c instanceof LocalCommit || c instanceof LocalRollback;
  }

  static boolean isAnswer(BranchCommand c) {
    return c instanceof Vote || c instanceof Ack || c instanceof Reject;
  }

  /** The answers among {@code cs}, each as YES, NO, ACK:state or REJECT. */
  static List<String> answers(List<BranchCommand> cs) {
    List<String> a = new ArrayList<>();
    for (BranchCommand c : cs) {
      if (c instanceof Vote v) {
        a.add(v.yes() ? "YES" : "NO");
      } else if (c instanceof Ack k) {
        a.add("ACK:" + k.state());
      } else if (c instanceof Reject) {
        a.add("REJECT");
      }
    }
    return a;
  }

  BranchState state(BranchKey k) {
    return engine.state(k).orElse(null);
  }

  /** Brings {@code k} to {@code target} through the ordinary events, every step completed. */
  void reach(BranchKey k, BranchProtocol p, BranchState target) {
    switch (target) {
      case ACTIVE -> work(k, p);
      case PREPARED -> {
        reach(k, p, BranchState.ACTIVE);
        phase(k, p, Phase.PREPARE);
      }
      case READY -> {
        reach(k, p, BranchState.ACTIVE);
        phase(k, p, Phase.CAN_COMMIT);
      }
      case PRECOMMITTED -> {
        reach(k, p, BranchState.READY);
        phase(k, p, Phase.PRE_COMMIT);
      }
      case COMMITTED -> {
        reach(k, p, p == BranchProtocol.TWO_PC ? BranchState.PREPARED : BranchState.PRECOMMITTED);
        phase(k, p, Phase.COMMIT);
      }
      case ABORTED -> {
        reach(k, p, BranchState.ACTIVE);
        phase(k, p, Phase.ABORT);
      }
      case HEURISTIC_ABORT, HEURISTIC_COMMIT -> {
        reach(
            k,
            p,
            target == BranchState.HEURISTIC_ABORT ? BranchState.READY : BranchState.PRECOMMITTED);
        now += DEADLINE_IN + HEURISTIC_AFTER;
        tick();
      }
      case HEURISTIC_HAZARD -> {
        reach(k, p, BranchState.ACTIVE);
        phase(k, p, Phase.ABORT);
        List<BranchCommand> c = take();
        engine.rollbackHazard(k, now, out);
        assertThat(c).anyMatch(x -> x instanceof LocalRollback);
      }
    }
    settle();
    assertThat(state(k)).isEqualTo(target);
    take();
  }
}
