package io.zabtx.coordinator.log;

import static io.zabtx.coordinator.log.LogFixtures.assertSameState;
import static io.zabtx.coordinator.log.LogFixtures.completed;
import static io.zabtx.coordinator.log.LogFixtures.decision;
import static io.zabtx.coordinator.log.LogFixtures.heuristic;
import static io.zabtx.coordinator.log.LogFixtures.preCommit;
import static io.zabtx.coordinator.log.LogFixtures.restored;
import static io.zabtx.coordinator.log.LogFixtures.snapshotOf;
import static io.zabtx.coordinator.log.LogFixtures.xid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.coordinator.log.LogFixtures.Driver;
import io.zabtx.coordinator.log.proto.LoggedTransaction;
import io.zabtx.coordinator.log.proto.SnapshotHeader;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.TxStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SnapshotTest {

  /** A log with every kind of state: forgotten, committing, committed, mixed, report-only. */
  private static DecisionLog populated() {
    Driver d = new Driver();
    d.applyAll(
        decision(xid(1, 1)),
        completed(10, xid(1, 1)),
        new ForgetRecord(11),
        decision(xid(1, 2)),
        preCommit(xid(1, 3)),
        completed(20, xid(1, 3)),
        heuristic(xid(1, 3), 2, HeuristicKind.ABORTED_UNILATERALLY, 21),
        heuristic(xid(1, 4), 1, HeuristicKind.ABORTED_UNILATERALLY, 22),
        decision(xid(1, 2)), // duplicate
        decision(xid(9, 1)), // rejected: wrong epoch
        heuristic(xid(1, 1), 1, HeuristicKind.HAZARD, 23), // ignored: forgotten
        new ForgetRecord(0, 1_000)); // within its count bound: nothing
    d.epoch(2)
        .applyAll(
            new io.zabtx.coordinator.model.DecisionRecord(
                xid(2, 1), java.util.List.of(), 5, "Überweisung 💸", 4));
    return d.log;
  }

  @Test
  void aRestoredLogEqualsTheOriginal() throws IOException {
    DecisionLog original = populated();
    assertThat(original.count(TxStatus.HEURISTIC_MIXED)).isEqualTo(1);
    assertThat(original.rejectedCommitPoints()).isEqualTo(1);

    DecisionLog copy = restored(snapshotOf(original));

    assertSameState(copy, original);
    assertThat(copy.find(xid(1, 3))).isEqualTo(original.find(xid(1, 3)));
    assertThat(copy.mayBeForgotten(xid(1, 1))).isTrue();
    assertThat(snapshotOf(copy)).isEqualTo(snapshotOf(original));
  }

  @Test
  void restoreFromAnEmptyStreamIsTheEmptyState() throws IOException {
    DecisionLog log = populated();

    log.restore(new ByteArrayInputStream(new byte[0]));

    assertSameState(log, new DecisionLog());
    assertThat(log.size()).isZero();
    assertThat(log.watermark()).isNull();
    assertThat(log.lastAppliedZxid().value()).isZero();
  }

  @Test
  void restoreReplacesTheWholeState() throws IOException {
    DecisionLog small = new Driver().applyAll(decision(xid(1, 7))).log;
    DecisionLog log = populated();

    log.restore(new ByteArrayInputStream(snapshotOf(small)));

    assertSameState(log, small);
  }

  @Test
  void aRestoredLogAppliesFurtherEntriesLikeTheOriginal() throws IOException {
    DecisionLog original = populated();
    Driver copy = new Driver(restored(snapshotOf(original)));
    Driver same = new Driver(original);

    for (Driver d : new Driver[] {copy, same}) {
      d.applyAll(completed(30, xid(1, 2)), new ForgetRecord(31), decision(xid(2, 2)));
    }

    assertSameState(copy.log, original);
    assertThat(original.watermark()).isEqualTo(xid(1, 4));
  }

  @Test
  void aCountBoundedForgetAfterARestoreCutsLikeTheOriginal() throws IOException {
    DecisionLog original = populated();
    Driver copy = new Driver(restored(snapshotOf(original)));
    Driver same = new Driver(original);

    for (Driver d : new Driver[] {copy, same}) {
      d.applyAll(completed(30, xid(1, 2)), new ForgetRecord(0, 1));
    }

    assertSameState(copy.log, original);
    assertThat(original.watermark())
        .as("2-1 is not completed: the cut stops there")
        .isEqualTo(xid(1, 4));
    assertThat(snapshotOf(copy.log)).isEqualTo(snapshotOf(original));
  }

  @Test
  void aCorruptSnapshotIsRefusedWithAClearMessageAndTheStateIsKept() throws IOException {
    DecisionLog log = populated();
    byte[] good = snapshotOf(log);
    byte[] before = good.clone();

    assertThatThrownBy(() -> log.restore(new ByteArrayInputStream(new byte[] {5, 1, 2})))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("corrupt decision log snapshot");
    assertThatThrownBy(
            () -> log.restore(new ByteArrayInputStream(Arrays.copyOf(good, good.length - 3))))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("corrupt decision log snapshot");
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> log.restore(new ByteArrayInputStream(trailing)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bytes follow");
    assertThat(snapshotOf(log)).isEqualTo(before);
  }

  @Test
  void aSnapshotWithAnXidAtOrBelowItsWatermarkIsRefused() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    header(1).setForgottenWatermark("1-5").build().writeDelimitedTo(out);
    LoggedTransaction.newBuilder()
        .setXid("1-5")
        .setCommitPoint(LoggedTransaction.CommitPoint.DECISION)
        .build()
        .writeDelimitedTo(out);

    assertThatThrownBy(() -> restored(out.toByteArray()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("at or below the watermark");
  }

  @Test
  void aSnapshotWithABadXidIsRefused() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    header(1).build().writeDelimitedTo(out);
    LoggedTransaction.newBuilder()
        .setXid("nope")
        .setCommitPoint(LoggedTransaction.CommitPoint.DECISION)
        .build()
        .writeDelimitedTo(out);

    assertThatThrownBy(() -> restored(out.toByteArray()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'nope' is not an xid");
  }

  @Test
  void aSnapshotOfANewerFormatSaysTheNodeMustBeUpgraded() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    header(0).setVersion(2).build().writeDelimitedTo(out);

    assertThatThrownBy(() -> restored(out.toByteArray()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format version 2")
        .hasMessageContaining("must be upgraded");
  }

  private static SnapshotHeader.Builder header(int transactions) {
    return SnapshotHeader.newBuilder().setVersion(1).setTransactions(transactions);
  }
}
