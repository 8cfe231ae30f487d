package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.entries;
import static io.zabtx.replication.core.CoreDriver.entry;
import static io.zabtx.replication.core.CoreDriver.z;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-memory history behind rules 5, 6 and 9: zxids strictly increase, ranges and floors are
 * exact, compaction keeps a retained tail, and committed state (below the snapshot) is never
 * truncated.
 */
class HistoryLogTest {

  private static HistoryLog log(List<Entry> entries) {
    return new HistoryLog(Snapshot.EMPTY, entries);
  }

  private static List<Entry> concat(List<Entry> a, List<Entry> b) {
    List<Entry> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }

  @Test
  void appendAcceptsOnlyIncreasingZxids() {
    HistoryLog log = log(entries(1, 1, 3));
    log.append(entry(2, 1));
    assertThat(log.lastZxid()).isEqualTo(z(2, 1));
    assertThatThrownBy(() -> log.append(entry(2, 1))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> log.append(entry(1, 4))).isInstanceOf(IllegalStateException.class);
    assertThat(log.size()).isEqualTo(4);
  }

  @Test
  void constructorSkipsEntriesCoveredByTheSnapshot() {
    Snapshot s = new Snapshot(z(1, 2), new byte[] {1});
    HistoryLog log = new HistoryLog(s, entries(1, 1, 4));
    assertThat(log.baseZxid()).isEqualTo(z(1, 2));
    assertThat(log.range(log.baseZxid(), log.lastZxid()))
        .containsExactlyElementsOf(entries(1, 3, 4));
  }

  @Test
  void anEmptyHistoryEndsAtItsBase() {
    HistoryLog log = log(List.of());
    assertThat(log.lastZxid()).isEqualTo(Zxid.ZERO);
    assertThat(log.contains(Zxid.ZERO)).isTrue();
    assertThat(log.floor(z(3, 3))).isEqualTo(Zxid.ZERO);
    assertThat(log.range(0, 0)).isEmpty();
  }

  @Test
  void containsKnowsTheBaseAndEveryEntryButNothingElse() {
    HistoryLog log = log(concat(entries(1, 1, 3), entries(3, 1, 2)));
    assertThat(log.contains(Zxid.ZERO)).isTrue();
    assertThat(log.contains(z(1, 2))).isTrue();
    assertThat(log.contains(z(3, 2))).isTrue();
    assertThat(log.contains(z(1, 4))).isFalse();
    assertThat(log.contains(z(2, 1))).isFalse();
    assertThat(log.contains(z(3, 0))).isFalse();
    assertThat(log.contains(z(3, 3))).isFalse();
  }

  @Test
  void floorIsTheLargestKnownPointAtOrBelow() {
    HistoryLog log = log(concat(entries(1, 1, 3), entries(3, 1, 2)));
    assertThat(log.floor(z(1, 2))).isEqualTo(z(1, 2));
    assertThat(log.floor(z(2, 7))).isEqualTo(z(1, 3));
    assertThat(log.floor(z(3, 0))).isEqualTo(z(1, 3));
    assertThat(log.floor(z(9, 9))).isEqualTo(z(3, 2));
    assertThat(log.floor(z(1, 0))).isEqualTo(Zxid.ZERO);
  }

  @Test
  void floorBelowTheBaseIsMinusOne() {
    HistoryLog log = log(entries(1, 1, 6));
    log.compact(new Snapshot(z(1, 4), new byte[0]), 0);
    assertThat(log.floor(z(1, 3))).isEqualTo(-1);
    assertThat(log.floor(z(1, 4))).isEqualTo(z(1, 4));
  }

  @Test
  void rangeIsHalfOpenAfterUpTo() {
    HistoryLog log = log(concat(entries(1, 1, 3), entries(3, 1, 2)));
    assertThat(log.range(z(1, 1), z(3, 1))).containsExactly(entry(1, 2), entry(1, 3), entry(3, 1));
    assertThat(log.range(Zxid.ZERO, z(1, 2))).containsExactly(entry(1, 1), entry(1, 2));
    assertThat(log.range(z(3, 2), z(3, 2))).isEmpty();
    assertThat(log.range(z(1, 3), z(2, 9))).isEmpty();
  }

  @Test
  void truncateAfterDropsEveryEntryAbove() {
    HistoryLog log = log(concat(entries(1, 1, 3), entries(3, 1, 2)));
    log.truncateAfter(z(1, 2));
    assertThat(log.lastZxid()).isEqualTo(z(1, 2));
    assertThat(log.range(0, z(9, 9))).containsExactlyElementsOf(entries(1, 1, 2));
    log.truncateAfter(z(1, 2)); // no-op at the end
    assertThat(log.size()).isEqualTo(2);
    log.append(entry(4, 1)); // appends continue after the cut
    assertThat(log.lastZxid()).isEqualTo(z(4, 1));
  }

  @Test
  void truncationBelowTheSnapshotIsRefused() {
    HistoryLog log = log(entries(1, 1, 6));
    log.compact(new Snapshot(z(1, 4), new byte[0]), 10);
    assertThatThrownBy(() -> log.truncateAfter(z(1, 3))).isInstanceOf(IllegalStateException.class);
    assertThat(log.lastZxid()).isEqualTo(z(1, 6));
    log.truncateAfter(z(1, 4)); // at the snapshot is fine
    assertThat(log.lastZxid()).isEqualTo(z(1, 4));
  }

  @Test
  void installReplacesTheWholeHistory() {
    HistoryLog log = log(entries(1, 1, 3));
    Snapshot s = new Snapshot(z(2, 5), new byte[] {7});
    log.install(s);
    assertThat(log.snapshot()).isSameAs(s);
    assertThat(log.baseZxid()).isEqualTo(z(2, 5));
    assertThat(log.lastZxid()).isEqualTo(z(2, 5));
    assertThat(log.size()).isZero();
    assertThat(log.contains(z(1, 1))).isFalse();
    log.append(entry(2, 6));
    assertThat(log.lastZxid()).isEqualTo(z(2, 6));
  }

  @Test
  void compactKeepsRetainEntriesBelowTheSnapshotAndMovesTheBase() {
    HistoryLog log = log(entries(1, 1, 6));
    Snapshot s = new Snapshot(z(1, 4), new byte[0]);
    log.compact(s, 2);
    assertThat(log.snapshot()).isSameAs(s);
    assertThat(log.baseZxid()).isEqualTo(z(1, 2));
    assertThat(log.range(log.baseZxid(), log.lastZxid()))
        .containsExactlyElementsOf(entries(1, 3, 6));
    assertThat(log.contains(z(1, 2))).isTrue();
    assertThat(log.contains(z(1, 1))).isFalse();
  }

  @Test
  void compactWithZeroRetainMovesTheBaseToTheSnapshot() {
    HistoryLog log = log(entries(1, 1, 6));
    log.compact(new Snapshot(z(1, 4), new byte[0]), 0);
    assertThat(log.baseZxid()).isEqualTo(z(1, 4));
    assertThat(log.size()).isEqualTo(2);
  }

  @Test
  void compactWithLargeRetainKeepsEverythingButRecordsTheSnapshot() {
    HistoryLog log = log(entries(1, 1, 6));
    Snapshot s = new Snapshot(z(1, 4), new byte[0]);
    log.compact(s, 100);
    assertThat(log.baseZxid()).isEqualTo(Zxid.ZERO);
    assertThat(log.size()).isEqualTo(6);
    assertThat(log.snapshot()).isSameAs(s);
  }

  @Test
  void compactToAPointOutsideTheHistoryIsRefused() {
    HistoryLog log = log(entries(1, 1, 3));
    assertThatThrownBy(() -> log.compact(new Snapshot(z(1, 9), new byte[0]), 0))
        .isInstanceOf(IllegalStateException.class);
    log.compact(new Snapshot(z(1, 2), new byte[0]), 0);
    assertThatThrownBy(() -> log.compact(new Snapshot(z(1, 1), new byte[0]), 0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rangeStartingBelowTheBaseIsRefused() {
    HistoryLog log = log(entries(1, 1, 6));
    log.compact(new Snapshot(z(1, 4), new byte[0]), 0);
    assertThatThrownBy(() -> log.range(z(1, 1), z(1, 6))).isInstanceOf(IllegalStateException.class);
  }
}
