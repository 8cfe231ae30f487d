package io.zabtx.participant.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.participant.branch.BranchCommand.Forget;
import io.zabtx.participant.branch.BranchCommand.LocalRollback;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bounded state, retention, deterministic order and rejection of bad input. */
class BoundsTest {

  private static final BranchProtocol P = BranchProtocol.TWO_PC;

  private static Driver small() {
    return new Driver(new BranchConfig(2, 100, 1_600, 5_000, 60_000, 2));
  }

  @Test
  void newWorkBeyondMaxBranchesIsRefusedWithAReason() {
    Driver d = small();
    d.work(Driver.key("1-1", 1), P);
    d.work(Driver.key("1-2", 1), P);
    Admission a = d.engine.admitWork("1-3", 1, d.now);
    assertThat(a.allowed()).isFalse();
    assertThat(a.reason()).contains("maximum of 2 branches");
    assertThat(d.engine.admitWork("1-1", 1, d.now).allowed()).as("known branch").isTrue();
    d.phase(Driver.key("1-4", 1), P, Phase.ABORT);
    assertThat(Driver.answers(d.take())).containsExactly("REJECT");
  }

  @Test
  void finishedBranchesAreForgottenAfterRetentionFreeingRoom() {
    Driver d = small();
    BranchKey k = Driver.key("1-1", 1);
    d.reach(k, P, BranchState.ABORTED);
    d.now += 60_000 - 1;
    d.tick();
    assertThat(d.take()).isEmpty();
    d.now += 1;
    d.tick();
    assertThat(d.take()).containsExactly(new Forget(k));
    assertThat(d.engine.size()).isZero();
  }

  @Test
  void tooManyWaitingMessagesAreRejected() {
    Driver d = small();
    BranchKey k = Driver.key("1-1", 1);
    d.reach(k, P, BranchState.ACTIVE);
    d.phase(k, P, Phase.PREPARE); // starts the step, waits (1)
    d.phase(k, P, Phase.PREPARE); // waits (2)
    d.phase(k, P, Phase.PREPARE); // over the bound of 2
    List<BranchCommand> c = d.take();
    assertThat(Driver.answers(c)).containsExactly("REJECT");
    d.complete(c.get(0)); // the Persist of PREPARED
    assertThat(Driver.answers(d.take())).containsExactly("YES", "YES");
  }

  @Test
  void deadlinesFireInKeyOrder() {
    Driver d = new Driver();
    BranchKey[] keys = {Driver.key("2-10", 1), Driver.key("2-1", 3), Driver.key("2-1", 2)};
    for (BranchKey k : keys) {
      d.work(k, P);
    }
    d.now += Driver.DEADLINE_IN;
    d.tick();
    assertThat(d.take())
        .containsExactly(
            new LocalRollback(Driver.key("2-1", 2), BranchState.ABORTED),
            new LocalRollback(Driver.key("2-1", 3), BranchState.ABORTED),
            new LocalRollback(Driver.key("2-10", 1), BranchState.ABORTED));
  }

  @Test
  void badInputIsRejectedWithAClearMessageAndChangesNothing() {
    assertThatThrownBy(() -> new BranchKey(" ", 1)).hasMessageContaining("xid");
    assertThatThrownBy(() -> new BranchKey("1-1", 0)).hasMessageContaining("branchId");
    assertThatThrownBy(() -> new BranchConfig(0, 1, 1, 1, 1, 1))
        .hasMessageContaining("maxBranches");
    assertThatThrownBy(() -> new BranchConfig(1, 10, 5, 1, 1, 1))
        .hasMessageContaining("queryMaxBackoffMillis");

    Driver d = new Driver();
    BranchKey k = Driver.key("1-1", 1);
    assertThatThrownBy(() -> d.engine.persisted(k, d.now, d.out))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no PERSIST in flight");
    d.reach(k, P, BranchState.PREPARED);
    assertThatThrownBy(() -> d.engine.localCommitted(k, d.now, d.out))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> d.engine.workCommitted(k, P, d.now, d.now, d.out))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already PREPARED");
    assertThatThrownBy(
            () -> d.engine.workCommitted(k, BranchProtocol.THREE_PC, d.now, d.now, d.out))
        .hasMessageContaining("runs TWO_PC");
    d.phase(k, BranchProtocol.THREE_PC, Phase.COMMIT);
    assertThat(Driver.answers(d.take())).containsExactly("REJECT");
    assertThat(d.state(k)).isEqualTo(BranchState.PREPARED);
    assertThat(d.out.commands()).isEmpty();
  }

  @Test
  void aCancelledQueryAnswerForAForgottenBranchIsIgnored() {
    Driver d = new Driver();
    d.engine.outcome(Driver.key("1-1", 1), ClusterOutcome.COMMIT, d.now, d.out);
    assertThat(d.take()).isEmpty();
    assertThat(d.engine.size()).isZero();
  }
}
