package io.zabtx.coordinator.log;

import static io.zabtx.coordinator.log.LogFixtures.completed;
import static io.zabtx.coordinator.log.LogFixtures.decision;
import static io.zabtx.coordinator.log.LogFixtures.heuristic;
import static io.zabtx.coordinator.log.LogFixtures.preCommit;
import static io.zabtx.coordinator.log.LogFixtures.xid;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.log.LogFixtures.Driver;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.LoggedTx;
import org.junit.jupiter.api.Test;

/** Forget and the forgotten watermark (docs/coordinator.md, "Retention"). */
class RetentionTest {

  private final Driver driver = new Driver();
  private final DecisionLog log = driver.log;

  @Test
  void forgetRemovesCompletedTransactionsThatCompletedBeforeTheCut() {
    driver.applyAll(
        decision(xid(1, 1)),
        preCommit(xid(1, 2)),
        completed(10, xid(1, 1)),
        completed(20, xid(1, 2)));

    driver.apply(new ForgetRecord(21));

    assertThat(log.size()).isZero();
    assertThat(log.watermark()).isEqualTo(xid(1, 2));
  }

  @Test
  void forgetStopsAtTheFirstTransactionThatIsNotCompleted() {
    driver.applyAll(
        decision(xid(1, 1)),
        decision(xid(1, 2)), // never completed
        decision(xid(1, 3)),
        completed(10, xid(1, 1), xid(1, 3)));

    driver.apply(new ForgetRecord(1_000));

    assertThat(log.find(xid(1, 1))).isNull();
    assertThat(log.find(xid(1, 2))).isNotNull();
    assertThat(log.find(xid(1, 3))).as("completed, but behind an unfinished xid").isNotNull();
    assertThat(log.watermark()).isEqualTo(xid(1, 1));
  }

  @Test
  void forgetStopsAtTheFirstTransactionCompletedAtOrAfterTheCut() {
    driver.applyAll(
        decision(xid(1, 1)),
        decision(xid(1, 2)),
        decision(xid(1, 3)),
        completed(10, xid(1, 1)),
        completed(50, xid(1, 2)),
        completed(5, xid(1, 3)));

    driver.apply(new ForgetRecord(50));

    assertThat(log.all()).extracting(LoggedTx::xid).containsExactly(xid(1, 2), xid(1, 3));
    assertThat(log.watermark()).isEqualTo(xid(1, 1));
  }

  @Test
  void forgetNeverRemovesATransactionThatIsNotCompleted() {
    driver.applyAll(decision(xid(1, 1)), preCommit(xid(1, 2)));

    driver.apply(new ForgetRecord(Long.MAX_VALUE));

    assertThat(log.size()).isEqualTo(2);
    assertThat(log.watermark()).isNull();
    assertThat(log.mayBeForgotten(xid(1, 1))).isFalse();
  }

  @Test
  void aTransactionWithOnlyHeuristicReportsCountsAsCompletedAtItsLatestReport() {
    driver.applyAll(
        heuristic(xid(1, 1), 1, HeuristicKind.ABORTED_UNILATERALLY, 30),
        heuristic(xid(1, 1), 2, HeuristicKind.HAZARD, 40),
        heuristic(xid(1, 2), 1, HeuristicKind.HAZARD, 10));

    driver.apply(new ForgetRecord(40));
    assertThat(log.size()).as("1-1's latest report is at the cut").isEqualTo(2);

    driver.apply(new ForgetRecord(41));
    assertThat(log.size()).isZero();
    assertThat(log.watermark()).isEqualTo(xid(1, 2));
  }

  @Test
  void theWatermarkOnlyGrows() {
    driver.applyAll(decision(xid(1, 1)), completed(10, xid(1, 1)), new ForgetRecord(11));
    assertThat(log.watermark()).isEqualTo(xid(1, 1));

    driver.apply(new ForgetRecord(0));
    driver.apply(new ForgetRecord(Long.MIN_VALUE));

    assertThat(log.watermark()).isEqualTo(xid(1, 1));
  }

  @Test
  void mayBeForgottenIsTrueExactlyAtOrBelowTheWatermark() {
    assertThat(log.mayBeForgotten(xid(1, 1))).as("nothing forgotten yet").isFalse();
    driver.epoch(2);
    driver.applyAll(
        decision(xid(2, 4)), completed(10, xid(2, 4)), decision(xid(2, 9)), new ForgetRecord(11));

    assertThat(log.watermark()).isEqualTo(xid(2, 4));
    assertThat(log.mayBeForgotten(xid(1, 99))).isTrue();
    assertThat(log.mayBeForgotten(xid(2, 1))).as("never logged, but below W").isTrue();
    assertThat(log.mayBeForgotten(xid(2, 4))).isTrue();
    assertThat(log.mayBeForgotten(xid(2, 5))).isFalse();
    assertThat(log.mayBeForgotten(xid(2, 9))).isFalse();
    assertThat(log.find(xid(2, 9))).isNotNull();
  }

  @Test
  void aForgottenCommittedTransactionIsNeverMistakenForUnknown() {
    driver.applyAll(decision(xid(1, 1)), completed(10, xid(1, 1)), new ForgetRecord(11));

    assertThat(log.find(xid(1, 1))).isNull();
    assertThat(log.mayBeForgotten(xid(1, 1))).isTrue();
  }

  // ---- the count bound (keepAtMost) ----

  @Test
  void theCountBoundRemovesTheOldestCompletedInXidOrderDownToKeepAtMost() {
    driver.applyAll(
        decision(xid(1, 1)),
        decision(xid(1, 2)),
        decision(xid(1, 3)),
        decision(xid(1, 4)),
        decision(xid(1, 5)),
        completed(50, xid(1, 4), xid(1, 2)),
        completed(40, xid(1, 1), xid(1, 3), xid(1, 5)));

    driver.apply(new ForgetRecord(0, 2)); // no transaction completed before the cut

    assertThat(log.all()).extracting(LoggedTx::xid).containsExactly(xid(1, 4), xid(1, 5));
    assertThat(log.watermark()).isEqualTo(xid(1, 3));
    assertThat(log.mayBeForgotten(xid(1, 3))).isTrue();
    assertThat(log.mayBeForgotten(xid(1, 4))).isFalse();

    driver.apply(new ForgetRecord(0, 2));
    assertThat(log.size()).as("within the bound: nothing more").isEqualTo(2);
    assertThat(log.watermark()).isEqualTo(xid(1, 3));
  }

  @Test
  void theCountBoundStopsAtAnUncompletedTransactionEvenOverTheBound() {
    driver.applyAll(
        decision(xid(1, 1)),
        preCommit(xid(1, 2)), // never completed
        decision(xid(1, 3)),
        decision(xid(1, 4)),
        completed(10, xid(1, 1), xid(1, 3), xid(1, 4)));

    driver.apply(new ForgetRecord(Long.MAX_VALUE, 1));

    assertThat(log.all())
        .as("3 logged > 1, but W never passes 1-2")
        .extracting(LoggedTx::xid)
        .containsExactly(xid(1, 2), xid(1, 3), xid(1, 4));
    assertThat(log.watermark()).isEqualTo(xid(1, 1));
    assertThat(log.mayBeForgotten(xid(1, 2))).isFalse();
  }

  @Test
  void anUncompletedTransactionIsNeverForgottenWhateverTheCount() {
    driver.applyAll(decision(xid(1, 1)), preCommit(xid(1, 2)), decision(xid(1, 3)));

    driver.apply(new ForgetRecord(Long.MAX_VALUE, 1));

    assertThat(log.size()).isEqualTo(3);
    assertThat(log.watermark()).isNull();
  }

  @Test
  void theTimeCutStillAppliesWithinTheCountBound() {
    driver.applyAll(
        decision(xid(1, 1)),
        decision(xid(1, 2)),
        decision(xid(1, 3)),
        completed(10, xid(1, 1)),
        completed(20, xid(1, 2), xid(1, 3)));

    driver.apply(new ForgetRecord(11, 100)); // 3 logged, far within 100: only the time cut

    assertThat(log.all()).extracting(LoggedTx::xid).containsExactly(xid(1, 2), xid(1, 3));
    assertThat(log.watermark()).isEqualTo(xid(1, 1));
  }

  @Test
  void theCountIncludesUnfinishedTransactionsButRemovesOnlyCompletedOnes() {
    driver.applyAll(
        decision(xid(1, 1)),
        decision(xid(1, 2)),
        decision(xid(1, 3)), // never completed
        decision(xid(1, 4)),
        completed(10, xid(1, 1), xid(1, 2), xid(1, 4)));

    driver.apply(new ForgetRecord(0, 3)); // 4 logged: one must go, the oldest completed

    assertThat(log.all())
        .extracting(LoggedTx::xid)
        .containsExactly(xid(1, 2), xid(1, 3), xid(1, 4));
    assertThat(log.watermark()).isEqualTo(xid(1, 1));
  }

  @Test
  void aReportOnlyTransactionIsFinishedSoTheCountBoundMayForgetIt() {
    driver.applyAll(
        heuristic(xid(1, 1), 1, HeuristicKind.ABORTED_UNILATERALLY, 30),
        decision(xid(1, 2)),
        completed(40, xid(1, 2)));

    driver.apply(new ForgetRecord(0, 1));

    assertThat(log.all()).extracting(LoggedTx::xid).containsExactly(xid(1, 2));
    assertThat(log.mayBeForgotten(xid(1, 1))).isTrue();
    assertThat(log.ignoredHeuristics()).isZero();
  }

  @Test
  void keepAtMostZeroIsNoCountBound() {
    driver.applyAll(decision(xid(1, 1)), completed(10, xid(1, 1)));

    driver.apply(new ForgetRecord(10, 0));

    assertThat(log.size()).isEqualTo(1);
    assertThat(log.watermark()).isNull();
  }

  @Test
  void noCutReachesOnlyBelowWhateverTheTimeAndCount() {
    driver.applyAll(
        decision(xid(1, 1)),
        decision(xid(1, 3)),
        decision(xid(1, 4)),
        completed(10, xid(1, 1), xid(1, 3), xid(1, 4)));

    // 1-2 is still voting at the leader: its commit point must not land at or below W.
    driver.apply(new ForgetRecord(Long.MAX_VALUE, 1, xid(1, 2)));

    assertThat(log.all()).extracting(LoggedTx::xid).containsExactly(xid(1, 3), xid(1, 4));
    assertThat(log.watermark()).isEqualTo(xid(1, 1));
    assertThat(log.mayBeForgotten(xid(1, 2))).isFalse();

    driver.apply(decision(xid(1, 2)));
    assertThat(log.find(xid(1, 2))).isNotNull();
    assertThat(log.rejectedCommitPoints()).isZero();
  }
}
