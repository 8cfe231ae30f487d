package io.zabtx.coordinator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.zabtx.coordinator.engine.Answer.Begun;
import io.zabtx.coordinator.engine.Answer.Failure;
import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.engine.Command.Propose;
import io.zabtx.coordinator.engine.Command.Reply;
import io.zabtx.coordinator.engine.Command.Send;
import io.zabtx.coordinator.model.BranchRef;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random events against one engine, checking the safety invariants after every command. Each seed
 * prints {@code SEED=...}; replay one with {@code -Dtx.engine.seed=N}; run more with {@code
 * -Dtx.engine.seeds=N}.
 */
class RandomizedEngineTest {

  private static final int STEPS = 400;
  private static final boolean TRACE = Boolean.getBoolean("tx.engine.trace");

  @Test
  void invariants_hold_under_random_events() {
    String one = System.getProperty("tx.engine.seed", "");
    if (!one.isBlank()) {
      run(Long.parseLong(one.trim()));
      return;
    }
    int seeds = Integer.getInteger("tx.engine.seeds", 300);
    long base = new SplittableRandom().nextLong(); // the printed seed replays each run
    for (int i = 0; i < seeds; i++) {
      run(base + i);
    }
  }

  private void run(long seed) {
    try {
      new Run(seed).go();
    } catch (AssertionError | RuntimeException e) {
      System.out.println("SEED=" + seed + " failed; replay with -Dtx.engine.seed=" + seed);
      throw e;
    }
  }

  /** One simulated run: the engine, the log, participants and the runtime, all driven by rnd. */
  private static final class Run {
    private final SplittableRandom rnd;
    private final long seed;
    private final FakeLog log = new FakeLog();
    private final TxEngine engine;
    private final Effects out = new Effects();
    private long now = EngineDriver.T0;
    private long epoch = 1;
    private long nextRequest = 1;

    private final Map<Long, Xid> requests = new HashMap<>(); // open request -> xid (null: begin)
    private final Set<Long> answered = new HashSet<>();
    private final List<Xid> xids = new ArrayList<>();
    private final List<Send> outstanding = new ArrayList<>();
    private final List<Propose> proposals = new ArrayList<>();
    private final Set<Xid> answeredCommit = new HashSet<>();
    private final Set<Xid> answeredAbort = new HashSet<>();
    private final Set<Xid> commitPointProposed = new HashSet<>();
    private final Set<String> yesVotes = new HashSet<>();

    Run(long seed) {
      this.seed = seed;
      this.rnd = new SplittableRandom(seed);
      EngineConfig c =
          new EngineConfig(
              1 + rnd.nextInt(2_000),
              3_000,
              1 + rnd.nextInt(500),
              100,
              10,
              80,
              1 + rnd.nextInt(3),
              1 + rnd.nextInt(10),
              1 + rnd.nextInt(4),
              1 + rnd.nextInt(8),
              1 + rnd.nextInt(4),
              rnd.nextInt(50),
              rnd.nextInt(2) * 1_000,
              rnd.nextInt(5),
              20,
              // From the seed, not rnd: the draws above (and old seeds' replays) stay as they were.
              (int) Math.floorMod(seed, 3));
      engine = new TxEngine(c, log);
    }

    void go() {
      System.out.println("SEED=" + seed);
      engine.becomeLeader(epoch, log.unfinished(), now, out);
      check();
      for (int step = 0; step < STEPS; step++) {
        step();
        check();
      }
      engine.stepDown(now, out);
      check();
      assertThat(answered).as("every request answered").containsAll(requests.keySet());
    }

    private void step() {
      int r = rnd.nextInt(100);
      if (r < 12) {
        long id = request(null);
        engine.begin(id, pick(TxProtocol.values()), rnd.nextInt(4) * 500L, "r", now, out);
      } else if (r < 24) {
        Xid x = someXid();
        int p = rnd.nextInt(3);
        engine.registerBranch(request(x), x, "p" + p + ":1", "db", now, out);
      } else if (r < 32) {
        Xid x = someXid();
        engine.commit(request(x), x, rnd.nextBoolean(), now, out);
      } else if (r < 36) {
        Xid x = someXid();
        engine.rollback(request(x), x, now, out);
      } else if (r < 39) {
        Xid x = someXid();
        engine.queryOutcome(request(x), x, now, out);
      } else if (r < 40) {
        Xid x = someXid();
        engine.reportHeuristic(
            request(x), x, 1 + rnd.nextInt(3), pick(HeuristicKind.values()), "", now, out);
      } else if (r < 70) {
        answerSend();
      } else if (r < 85) {
        resolveProposal();
      } else if (r < 98) {
        now += rnd.nextInt(300);
        engine.tick(now, out);
      } else {
        changeLeader();
      }
    }

    /**
     * The leader steps down and the next epoch begins. Proposals still in flight either made it
     * into the new epoch's initial history or are lost; none commits later (DecisionLog rejects a
     * commit point whose epoch differs from its entry's).
     */
    private void changeLeader() {
      engine.stepDown(now, out);
      check();
      for (Propose p : proposals) {
        if (rnd.nextBoolean()) {
          log.apply(p.record());
        }
      }
      proposals.clear();
      epoch++;
      engine.becomeLeader(epoch, log.unfinished(), now, out);
    }

    private void answerSend() {
      if (outstanding.isEmpty()) {
        return;
      }
      Send s = outstanding.get(rnd.nextInt(outstanding.size()));
      boolean duplicate = rnd.nextInt(10) == 0; // delivered again later
      if (!duplicate) {
        outstanding.remove(s);
      }
      if (rnd.nextInt(6) == 0) {
        engine.deliveryFailed(s.xid(), s.branchId(), s.phase(), "lost", now, out);
      } else if (s.phase().isVote()) {
        Vote v = rnd.nextInt(8) == 0 ? Vote.NO : Vote.YES;
        if (v == Vote.YES) {
          yesVotes.add(s.xid() + "/" + s.branchId());
        }
        engine.voteReceived(s.xid(), s.branchId(), v, "no", now, out);
      } else {
        BranchStatus reported =
            rnd.nextInt(20) == 0 ? BranchStatus.HEURISTIC_HAZARD : BranchStatus.COMMITTED;
        engine.ackReceived(s.xid(), s.branchId(), s.phase(), reported, now, out);
      }
    }

    private void resolveProposal() {
      if (proposals.isEmpty()) {
        return;
      }
      Propose p = proposals.remove(rnd.nextInt(proposals.size()));
      int r = rnd.nextInt(10);
      if (r < 7) {
        log.apply(p.record());
        engine.recordDurable(p.proposalId(), now, out);
      } else if (r < 9) {
        engine.recordFailed(p.proposalId(), false, "busy", now, out);
      } else {
        // Leadership lost with it in flight; it may still be logged by the next leader.
        engine.recordFailed(p.proposalId(), true, "lost", now, out);
        check();
        proposals.add(p); // may still be in the next epoch's initial history
        changeLeader();
      }
    }

    private long request(Xid xid) {
      long id = nextRequest++;
      requests.put(id, xid);
      return id;
    }

    private Xid someXid() {
      if (xids.isEmpty() || rnd.nextInt(10) == 0) {
        return new Xid(1 + rnd.nextLong(epoch + 1), 1 + rnd.nextInt(20));
      }
      return xids.get(rnd.nextInt(xids.size()));
    }

    private <T> T pick(T[] values) {
      return values[rnd.nextInt(values.length)];
    }

    /** Consumes the commands emitted since the last check and checks every invariant. */
    private void check() {
      for (Command c : out.commands()) {
        if (TRACE) {
          System.out.println("  t=" + now + " e=" + epoch + " " + c);
        }
        if (c instanceof Reply r) {
          checkReply(r);
        } else if (c instanceof Send s) {
          checkSend(s);
          outstanding.add(s);
        } else if (c instanceof Propose p) {
          checkPropose(p);
          proposals.add(p);
        }
      }
      out.clear();
    }

    private void checkReply(Reply r) {
      if (!requests.containsKey(r.requestId())) {
        fail("reply to a request never made: " + r);
      }
      if (!answered.add(r.requestId())) {
        fail("request answered twice: " + r);
      }
      Xid xid = requests.get(r.requestId());
      Answer a = r.answer();
      if (a instanceof Begun b) {
        xids.add(b.xid());
        return;
      }
      boolean commit =
          (a instanceof Status s
                  && (s.outcome() == Outcome.COMMIT
                      || s.status() == TxStatus.COMMITTING
                      || s.status() == TxStatus.COMMITTED))
              || (a instanceof Failure f && f.code() == ErrorCode.TX_COMMITTED);
      boolean abort =
          (a instanceof Status s && s.outcome() == Outcome.ABORT)
              || (a instanceof Failure f && f.code() == ErrorCode.TX_ABORTED);
      if (commit) {
        answeredCommit.add(xid);
      }
      if (abort) {
        answeredAbort.add(xid);
      }
      assertThat(answeredCommit.contains(xid) && answeredAbort.contains(xid))
          .as("%s answered both COMMIT and ABORT (last: %s)", xid, a)
          .isFalse();
    }

    private void checkSend(Send s) {
      if (s.phase() == Phase.COMMIT || s.phase() == Phase.PRE_COMMIT) {
        assertThat(log.find(s.xid()))
            .as("%s sent before the commit point of %s was durable", s.phase(), s.xid())
            .isNotNull()
            .matches(t -> t.hasCommitPoint());
      }
      if (s.phase() == Phase.ABORT) {
        assertThat(commitPointProposed)
            .as("ABORT sent for %s after its commit point was proposed", s.xid())
            .doesNotContain(s.xid());
      }
    }

    private void checkPropose(Propose p) {
      Xid xid;
      List<BranchRef> branches;
      if (p.record() instanceof DecisionRecord d) {
        xid = d.xid();
        branches = d.branches();
      } else if (p.record() instanceof PreCommitRecord pc) {
        xid = pc.xid();
        branches = pc.branches();
      } else {
        return;
      }
      assertThat(xid.epoch()).as("commit point of another epoch's xid").isEqualTo(epoch);
      for (BranchRef b : branches) {
        assertThat(yesVotes)
            .as("commit point of %s without a YES from branch %d", xid, b.branchId())
            .contains(xid + "/" + b.branchId());
      }
      commitPointProposed.add(xid);
    }
  }
}
