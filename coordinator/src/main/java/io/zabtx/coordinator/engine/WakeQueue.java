package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.Xid;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * When each transaction in memory next needs the engine's attention (a deadline, a vote timeout, a
 * re-send). At most one entry per transaction, so the queue is bounded by the transactions held.
 */
final class WakeQueue {

  private record Wake(long atMillis, Xid xid) {}

  private final TreeSet<Wake> wakes =
      new TreeSet<>(Comparator.comparingLong(Wake::atMillis).thenComparing(Wake::xid));

  /** Replaces {@code tx}'s wake-up by {@code atMillis} (0: none). */
  void schedule(Tx tx, long atMillis) {
    if (tx.wakeAtMillis == atMillis) {
      return;
    }
    cancel(tx);
    if (atMillis > 0) {
      wakes.add(new Wake(atMillis, tx.xid));
      tx.wakeAtMillis = atMillis;
    }
  }

  void cancel(Tx tx) {
    if (tx.wakeAtMillis > 0) {
      wakes.remove(new Wake(tx.wakeAtMillis, tx.xid));
      tx.wakeAtMillis = 0;
    }
  }

  /**
   * Removes and returns, in time order, the xids due at {@code now}. Their transactions' {@code
   * wakeAtMillis} must be reset by the caller (it reschedules each).
   */
  List<Xid> due(long now) {
    List<Xid> due = new ArrayList<>();
    while (!wakes.isEmpty() && wakes.first().atMillis() <= now) {
      due.add(wakes.pollFirst().xid());
    }
    return due;
  }

  int size() {
    return wakes.size();
  }

  void clear() {
    wakes.clear();
  }
}
