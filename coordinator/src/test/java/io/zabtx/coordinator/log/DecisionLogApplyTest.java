package io.zabtx.coordinator.log;

import static io.zabtx.coordinator.log.LogFixtures.branch;
import static io.zabtx.coordinator.log.LogFixtures.completed;
import static io.zabtx.coordinator.log.LogFixtures.decision;
import static io.zabtx.coordinator.log.LogFixtures.heuristic;
import static io.zabtx.coordinator.log.LogFixtures.preCommit;
import static io.zabtx.coordinator.log.LogFixtures.xid;
import static io.zabtx.coordinator.log.LogFixtures.zxid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.coordinator.log.LogFixtures.Driver;
import io.zabtx.coordinator.log.proto.Forget;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Xid;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of {@link DecisionLog#apply}, one test per rule (docs/coordinator.md). */
class DecisionLogApplyTest {

  private final Driver driver = new Driver();
  private final DecisionLog log = driver.log;

  @Test
  void aDecisionIsACommitPointOfA2pcTransaction() {
    Xid x = xid(1, 1);
    driver.apply(decision(x));

    LoggedTx tx = log.find(x);
    assertThat(tx.protocol()).isEqualTo(TxProtocol.TWO_PHASE);
    assertThat(tx.branches()).containsExactly(branch(1), branch(2));
    assertThat(tx.name()).isEqualTo("transfer");
    assertThat(tx.decidedAtMillis()).isEqualTo(100);
    assertThat(tx.begunAtMillis()).isEqualTo(50);
    assertThat(tx.completedAtMillis()).isZero();
    assertThat(tx.status()).isEqualTo(TxStatus.COMMITTING);
    assertThat(log.unfinished()).containsExactly(tx);
  }

  @Test
  void aPreCommitIsACommitPointOfA3pcTransaction() {
    Xid x = xid(1, 1);
    driver.apply(preCommit(x));

    assertThat(log.find(x).protocol()).isEqualTo(TxProtocol.THREE_PHASE);
    assertThat(log.find(x).status()).isEqualTo(TxStatus.COMMITTING);
  }

  @Test
  void aCommitPointWhoseXidEpochIsNotTheEntrysEpochIsRejectedAndChangesNothing() {
    driver.epoch(3).apply(decision(xid(3, 1)));
    byte[] before = LogFixtures.snapshotOf(log);

    driver.apply(decision(xid(2, 7))); // an older epoch's xid in an epoch-3 entry
    driver.apply(preCommit(xid(4, 1))); // a newer epoch's xid, too

    assertThat(log.find(xid(2, 7))).isNull();
    assertThat(log.find(xid(4, 1))).isNull();
    assertThat(log.rejectedCommitPoints()).isEqualTo(2);
    assertThat(log.size()).isEqualTo(1);
    assertThat(log.all()).isEqualTo(restoredAll(before));
  }

  @Test
  void aCommitPointAtOrBelowTheWatermarkIsRejected() {
    driver.applyAll(decision(xid(1, 5)), completed(10, xid(1, 5)), new ForgetRecord(11));
    assertThat(log.watermark()).isEqualTo(xid(1, 5));

    driver.apply(decision(xid(1, 5)));
    driver.apply(preCommit(xid(1, 3)));

    assertThat(log.find(xid(1, 5))).isNull();
    assertThat(log.find(xid(1, 3))).isNull();
    assertThat(log.rejectedCommitPoints()).isEqualTo(2);
    assertThat(log.size()).isZero();
  }

  @Test
  void aSecondCommitPointForAnXidIsIgnoredAsDuplicate() {
    Xid x = xid(1, 1);
    driver.apply(decision(x));
    LoggedTx first = log.find(x);

    driver.apply(preCommit(x));
    driver.apply(new DecisionRecord(x, List.of(branch(7)), 999, "other", 1));

    assertThat(log.find(x)).isEqualTo(first);
    assertThat(log.duplicateCommitPoints()).isEqualTo(2);
    assertThat(log.rejectedCommitPoints()).isZero();
  }

  @Test
  void aCommitPointForAnXidKnownOnlyFromHeuristicReportsKeepsThem() {
    Xid x = xid(1, 1);
    HeuristicRecord h = heuristic(x, 2, HeuristicKind.ABORTED_UNILATERALLY, 7);
    driver.apply(h);
    assertThat(log.find(x).hasCommitPoint()).isFalse();
    assertThat(log.unfinished()).isEmpty();

    driver.apply(decision(x));

    LoggedTx tx = log.find(x);
    assertThat(tx.protocol()).isEqualTo(TxProtocol.TWO_PHASE);
    assertThat(tx.heuristics()).containsExactly(h);
    assertThat(tx.status()).isEqualTo(TxStatus.HEURISTIC_MIXED);
    assertThat(log.unfinished()).containsExactly(tx);
    assertThat(log.duplicateCommitPoints()).isZero();
  }

  @Test
  void completedStampsTheCompletionTimeOfTransactionsWithACommitPoint() {
    driver.applyAll(decision(xid(1, 1)), preCommit(xid(1, 2)), decision(xid(1, 3)));

    driver.apply(completed(500, xid(1, 1), xid(1, 2)));

    assertThat(log.find(xid(1, 1)).completedAtMillis()).isEqualTo(500);
    assertThat(log.find(xid(1, 2)).completedAtMillis()).isEqualTo(500);
    assertThat(log.find(xid(1, 1)).status()).isEqualTo(TxStatus.COMMITTED);
    assertThat(log.find(xid(1, 3)).completedAtMillis()).isZero();
    assertThat(log.unfinished()).extracting(LoggedTx::xid).containsExactly(xid(1, 3));
  }

  @Test
  void completedKeepsTheFirstCompletionTime() {
    driver.applyAll(decision(xid(1, 1)), completed(500, xid(1, 1)), completed(900, xid(1, 1)));

    assertThat(log.find(xid(1, 1)).completedAtMillis()).isEqualTo(500);
  }

  @Test
  void completedIgnoresUnknownXidsAndThoseWithoutCommitPoint() {
    driver.applyAll(heuristic(xid(1, 2), 1, HeuristicKind.HAZARD, 3));
    LoggedTx reportOnly = log.find(xid(1, 2));

    driver.apply(completed(500, xid(1, 1), xid(1, 2), xid(9, 9)));

    assertThat(log.find(xid(1, 1))).isNull();
    assertThat(log.find(xid(9, 9))).isNull();
    assertThat(log.find(xid(1, 2))).isEqualTo(reportOnly);
    assertThat(log.size()).isEqualTo(1);
  }

  @Test
  void aHeuristicIsAppendedToItsTransactionInLogOrder() {
    Xid x = xid(1, 1);
    HeuristicRecord a = heuristic(x, 1, HeuristicKind.COMMITTED_UNILATERALLY, 10);
    HeuristicRecord b = heuristic(x, 2, HeuristicKind.HAZARD, 11);
    driver.applyAll(decision(x), completed(5, x), a, b);

    LoggedTx tx = log.find(x);
    assertThat(tx.heuristics()).containsExactly(a, b);
    assertThat(tx.completedAtMillis()).isEqualTo(5);
    assertThat(tx.status()).isEqualTo(TxStatus.HEURISTIC_MIXED);
  }

  @Test
  void aHeuristicForAnXidTheLogDoesNotHoldCreatesATransactionWithoutCommitPoint() {
    Xid x = xid(7, 3); // any epoch: reports may come long after the decision
    HeuristicRecord h = heuristic(x, 1, HeuristicKind.ABORTED_UNILATERALLY, 10);
    driver.apply(h);

    LoggedTx tx = log.find(x);
    assertThat(tx.protocol()).isNull();
    assertThat(tx.heuristics()).containsExactly(h);
    assertThat(tx.status()).isEqualTo(TxStatus.ABORTED);
    assertThat(log.count(TxStatus.ABORTED)).isEqualTo(1);
  }

  @Test
  void aRepeatedHeuristicReportIsKeptOnce() {
    Xid x = xid(1, 1);
    HeuristicRecord first = heuristic(x, 1, HeuristicKind.HAZARD, 10);
    HeuristicRecord otherKind = heuristic(x, 1, HeuristicKind.COMMITTED_UNILATERALLY, 12);
    HeuristicRecord otherBranch = heuristic(x, 2, HeuristicKind.HAZARD, 13);
    driver.applyAll(
        first,
        new HeuristicRecord(x, 1, HeuristicKind.HAZARD, "said again", 11),
        otherKind,
        otherBranch,
        first);

    assertThat(log.find(x).heuristics()).containsExactly(first, otherKind, otherBranch);
  }

  @Test
  void aHeuristicForAForgottenXidIsIgnoredAndCounted() {
    driver.applyAll(decision(xid(1, 5)), completed(10, xid(1, 5)), new ForgetRecord(11));

    driver.apply(heuristic(xid(1, 5), 1, HeuristicKind.HAZARD, 20));
    driver.apply(heuristic(xid(1, 2), 1, HeuristicKind.HAZARD, 20));

    assertThat(log.find(xid(1, 5))).isNull();
    assertThat(log.find(xid(1, 2))).isNull();
    assertThat(log.ignoredHeuristics()).isEqualTo(2);
    assertThat(log.size()).isZero();
  }

  @Test
  void aMalformedRecordThrowsAndNamesTheEntry() {
    driver.apply(decision(xid(1, 1)));
    byte[] before = LogFixtures.snapshotOf(log);

    assertThatThrownBy(() -> log.apply(zxid(1, 9), new byte[] {0x0A, 0x7F}))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageStartingWith("entry 1:9: ");
    assertThat(LogFixtures.snapshotOf(log)).isEqualTo(before);
  }

  @Test
  void aRecordOfANewerVersionThrowsSayingTheNodeMustBeUpgraded() {
    byte[] newer =
        io.zabtx.coordinator.log.proto.LogRecord.newBuilder()
            .setVersion(2)
            .setForget(Forget.newBuilder().setCompletedBeforeUnixMs(1))
            .build()
            .toByteArray();

    assertThatThrownBy(() -> log.apply(zxid(1, 1), newer))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("must be upgraded");
    assertThat(log.lastAppliedZxid().value()).isZero();
  }

  @Test
  void entriesOutOfZxidOrderAreRefused() {
    log.apply(zxid(2, 5), RecordCodec.encode(new ForgetRecord(0)));

    assertThatThrownBy(() -> log.apply(zxid(2, 5), RecordCodec.encode(new ForgetRecord(0))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("zxid order");
    assertThatThrownBy(() -> log.apply(zxid(1, 9), RecordCodec.encode(new ForgetRecord(0))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(log.lastAppliedZxid()).isEqualTo(zxid(2, 5));
  }

  @Test
  void listPagesNewestXidFirstAndFiltersByStatus() {
    driver.applyAll(
        decision(xid(1, 1)),
        decision(xid(1, 2)),
        decision(xid(1, 3)),
        completed(9, xid(1, 2)),
        heuristic(xid(1, 4), 1, HeuristicKind.ABORTED_UNILATERALLY, 1));
    driver.epoch(2).apply(preCommit(xid(2, 1)));

    assertThat(log.list(null, 0, 10))
        .extracting(LoggedTx::xid)
        .containsExactly(xid(2, 1), xid(1, 4), xid(1, 3), xid(1, 2), xid(1, 1));
    assertThat(log.list(null, 1, 2))
        .extracting(LoggedTx::xid)
        .containsExactly(xid(1, 4), xid(1, 3));
    assertThat(log.list(TxStatus.COMMITTING, 1, 10))
        .extracting(LoggedTx::xid)
        .containsExactly(xid(1, 3), xid(1, 1));
    assertThat(log.list(TxStatus.COMMITTED, 0, 0)).isEmpty();
    assertThat(log.count(TxStatus.COMMITTING)).isEqualTo(3);
    assertThat(log.count(TxStatus.COMMITTED)).isEqualTo(1);
    assertThat(log.count(TxStatus.ABORTED)).isEqualTo(1);
    assertThat(log.count(null)).isEqualTo(5);
    assertThat(log.size()).isEqualTo(5);
    assertThatThrownBy(() -> log.list(null, -1, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.list(null, 0, -5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unfinishedListsCommitPointsWithoutCompletedInXidOrder() {
    driver.applyAll(decision(xid(1, 3)), preCommit(xid(1, 1)), decision(xid(1, 2)));
    driver.apply(completed(4, xid(1, 2)));
    driver.apply(heuristic(xid(1, 9), 1, HeuristicKind.HAZARD, 1));

    assertThat(log.unfinished()).extracting(LoggedTx::xid).containsExactly(xid(1, 1), xid(1, 3));
  }

  private static List<LoggedTx> restoredAll(byte[] snapshot) {
    try {
      return LogFixtures.restored(snapshot).all();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
