package io.zabtx.participant.branch;

import static io.zabtx.participant.branch.Driver.DEADLINE_IN;
import static io.zabtx.participant.branch.Driver.MAX_BACKOFF;
import static io.zabtx.participant.branch.Driver.MIN_BACKOFF;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.participant.branch.BranchCommand.LocalCommit;
import io.zabtx.participant.branch.BranchCommand.LocalRollback;
import io.zabtx.participant.branch.BranchCommand.QueryOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The deadline column of DESIGN.md §4.1 for ACTIVE and PREPARED, and the query backoff. */
class DeadlineTest {

  private static final BranchKey K = Driver.key("3-9", 2);

  @Test
  void activeBranchIsAbortedUnilaterallyAtItsDeadlineNotBefore() {
    Driver d = new Driver();
    d.reach(K, BranchProtocol.TWO_PC, BranchState.ACTIVE);
    d.now += DEADLINE_IN - 1;
    d.tick();
    assertThat(d.take()).isEmpty();
    d.now += 1;
    d.tick();
    assertThat(d.take()).containsExactly(new LocalRollback(K, BranchState.ABORTED));
    d.engine.rolledBack(K, d.now, d.out);
    assertThat(d.state(K)).isEqualTo(BranchState.ABORTED);
    assertThat(d.take()).isEmpty(); // safe: no YES given, nothing to report
  }

  @Test
  void prepareAfterTheDeadlineButBeforeTheSweepVotesNo() {
    Driver d = new Driver();
    d.reach(K, BranchProtocol.TWO_PC, BranchState.ACTIVE);
    d.now += DEADLINE_IN;
    d.phase(K, BranchProtocol.TWO_PC, Phase.PREPARE);
    List<BranchCommand> c = d.settle();
    assertThat(c.get(0)).isEqualTo(new LocalRollback(K, BranchState.ABORTED));
    assertThat(Driver.answers(c)).containsExactly("NO");
  }

  @Test
  void preparedBranchAsksWithDoublingBackoffCappedAtTheMax() {
    Driver d = new Driver();
    d.reach(K, BranchProtocol.TWO_PC, BranchState.PREPARED);
    d.now += DEADLINE_IN - 1;
    d.tick();
    assertThat(d.take()).isEmpty();
    d.now += 1;
    List<Long> gaps = new ArrayList<>();
    long last = -1;
    for (int i = 0; i < 40_000 && gaps.size() < 8; i++) {
      d.tick();
      List<BranchCommand> c = d.take();
      if (!c.isEmpty()) {
        assertThat(c).containsExactly(new QueryOutcome(K));
        if (last >= 0) {
          gaps.add(d.now - last);
        }
        last = d.now;
        d.engine.outcome(K, ClusterOutcome.UNREACHABLE, d.now, d.out);
      }
      d.now += 1;
    }
    assertThat(gaps)
        .containsExactly(
            MIN_BACKOFF, 200L, 400L, 800L, MAX_BACKOFF, MAX_BACKOFF, MAX_BACKOFF, 1_600L);
  }

  @Test
  void oneQueryInFlightAtATime() {
    Driver d = new Driver();
    d.reach(K, BranchProtocol.TWO_PC, BranchState.PREPARED);
    d.now += DEADLINE_IN;
    d.tick();
    assertThat(d.take()).containsExactly(new QueryOutcome(K));
    d.now += 10 * MAX_BACKOFF;
    d.tick();
    assertThat(d.take()).isEmpty();
  }

  @Test
  void preparedBranchFollowsTheClusterAnswer() {
    for (ClusterOutcome o : List.of(ClusterOutcome.COMMIT, ClusterOutcome.ABORT)) {
      Driver d = new Driver();
      d.reach(K, BranchProtocol.TWO_PC, BranchState.PREPARED);
      d.now += DEADLINE_IN;
      d.tick();
      d.take();
      d.engine.outcome(K, o, d.now, d.out);
      BranchCommand step = d.take().get(0);
      if (o == ClusterOutcome.COMMIT) {
        assertThat(step).isEqualTo(new LocalCommit(K, BranchState.COMMITTED));
      } else {
        assertThat(step).isEqualTo(new LocalRollback(K, BranchState.ABORTED));
      }
      d.complete(step);
      assertThat(d.state(K))
          .isEqualTo(o == ClusterOutcome.COMMIT ? BranchState.COMMITTED : BranchState.ABORTED);
    }
  }

  /**
   * Property: however long the cluster stays silent or undecided, and however the ticks fall, a
   * PREPARED branch only asks; it never commits or rolls back on its own.
   */
  @Test
  void preparedBranchNeverDecidesAlone() {
    long seed = Long.getLong("branch.seed", System.nanoTime());
    System.out.println("SEED=" + seed + " (replay with -Dbranch.seed=" + seed + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int run = 0; run < 20; run++) {
      Driver d = new Driver();
      d.reach(K, BranchProtocol.TWO_PC, BranchState.PREPARED);
      int queries = 0;
      for (int step = 0; step < 5_000; step++) {
        d.now += rnd.nextLong(1, 2 * Driver.HEURISTIC_AFTER);
        d.tick();
        for (BranchCommand c : d.take()) {
          assertThat(c)
              .as("seed %d run %d step %d", seed, run, step)
              .isInstanceOf(QueryOutcome.class);
          queries++;
          ClusterOutcome silent =
              rnd.nextBoolean() ? ClusterOutcome.UNREACHABLE : ClusterOutcome.UNDECIDED;
          d.engine.outcome(K, silent, d.now, d.out);
          assertThat(d.take()).isEmpty();
        }
        assertThat(d.state(K)).isEqualTo(BranchState.PREPARED);
      }
      assertThat(queries).as("it kept asking").isGreaterThan(1_000);
    }
  }
}
