package io.zabtx.participant.branch;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.participant.branch.BranchCommand.LocalRollback;
import io.zabtx.participant.branch.BranchCommand.Persist;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Null rollback and hanging: an abort (or vote) before the local work leaves a tombstone. */
class TombstoneTest {

  private static final BranchProtocol P = BranchProtocol.TWO_PC;
  private static final BranchKey K = Driver.key("9-2", 1);

  @Test
  void nullRollbackWritesATombstoneThenAcks() {
    Driver d = new Driver();
    d.phase(K, P, Phase.ABORT);
    List<BranchCommand> c = d.take();
    assertThat(c).containsExactly(new Persist(K, P, BranchState.ABORTED, d.now));
    // While the tombstone is in flight the work is already refused.
    assertThat(d.engine.admitWork(K.xid(), 1, d.now).allowed()).isFalse();
    d.complete(c.get(0));
    assertThat(Driver.answers(d.take())).containsExactly("ACK:ABORTED");
  }

  @Test
  void lateWorkForATombstonedXidIsRefusedForEveryBranch() {
    Driver d = new Driver();
    d.phase(K, P, Phase.ABORT);
    d.settle();
    Admission same = d.engine.admitWork(K.xid(), 1, d.now);
    Admission other = d.engine.admitWork(K.xid(), 7, d.now);
    assertThat(same.allowed()).isFalse();
    assertThat(same.reason()).contains("9-2").contains("ABORTED").contains("refused");
    assertThat(other.allowed()).isFalse();
    assertThat(d.engine.admitWork("9-3", 1, d.now).allowed()).isTrue();
  }

  @Test
  void voteForWorkThatNeverArrivedIsNoAndLeavesATombstone() {
    Driver d = new Driver();
    d.phase(K, P, Phase.PREPARE);
    assertThat(Driver.answers(d.settle())).containsExactly("NO");
    assertThat(d.state(K)).isEqualTo(BranchState.ABORTED);
    assertThat(d.engine.admitWork(K.xid(), 1, d.now).allowed()).isFalse();
  }

  @Test
  void workThatCommitsDespiteTheTombstoneIsRolledBack() {
    Driver d = new Driver();
    assertThat(d.engine.admitWork(K.xid(), 1, d.now).allowed()).isTrue();
    d.phase(K, P, Phase.ABORT); // races the local transaction
    d.settle();
    d.engine.workCommitted(K, P, d.now + 1_000, d.now, d.out);
    assertThat(d.take()).containsExactly(new LocalRollback(K, BranchState.ABORTED));
  }

  @Test
  void workCommittingWhileTheTombstoneIsInFlightIsRolledBackAfterIt() {
    Driver d = new Driver();
    d.phase(K, P, Phase.ABORT);
    BranchCommand persist = d.take().get(0);
    d.engine.workCommitted(K, P, d.now + 1_000, d.now, d.out);
    assertThat(d.take()).isEmpty();
    d.complete(persist);
    List<BranchCommand> c = d.settle();
    assertThat(c.get(0)).isEqualTo(new LocalRollback(K, BranchState.ABORTED));
    assertThat(Driver.answers(c)).containsExactly("ACK:ABORTED");
  }

  @Test
  void workOfAnotherBranchOfAnAbortedXidIsRolledBack() {
    Driver d = new Driver();
    d.phase(K, P, Phase.ABORT);
    d.settle();
    BranchKey sibling = Driver.key(K.xid(), 2);
    d.engine.workCommitted(sibling, P, d.now + 1_000, d.now, d.out);
    assertThat(d.take()).containsExactly(new LocalRollback(sibling, BranchState.ABORTED));
  }

  @Test
  void aFailedTombstoneIsForgottenAndTheAbortRejected() {
    Driver d = new Driver();
    d.phase(K, P, Phase.ABORT);
    d.take();
    d.engine.persistFailed(K, "disk full", d.now, d.out);
    List<BranchCommand> c = d.take();
    assertThat(Driver.answers(c)).containsExactly("REJECT");
    assertThat(c.get(0).toString()).contains("disk full");
    assertThat(d.engine.size()).isZero();
  }

  @Test
  void workAfterVotingIsRefused() {
    Driver d = new Driver();
    d.reach(K, P, BranchState.PREPARED);
    Admission a = d.engine.admitWork(K.xid(), 2, d.now);
    assertThat(a.allowed()).isFalse();
    assertThat(a.reason()).contains("PREPARED");
  }
}
