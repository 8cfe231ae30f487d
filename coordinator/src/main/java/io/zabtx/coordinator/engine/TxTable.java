package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.TxView;
import io.zabtx.coordinator.model.Xid;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;

/**
 * The transactions the leader holds in memory, when each next needs attention, and the retention of
 * finished ones: kept queryable for {@code retentionMillis}, at most {@code maxRetainedInMemory} of
 * them, then dropped (the log still answers for them).
 */
final class TxTable {

  private final EngineConfig config;

  /** Every transaction in memory, by xid. */
  private final TreeMap<Xid, Tx> txs = new TreeMap<>();

  /** The finished ones among them, in the order they finished (for retention). */
  private final LinkedHashMap<Xid, Tx> finished = new LinkedHashMap<>();

  private final WakeQueue wakes = new WakeQueue();

  TxTable(EngineConfig config) {
    this.config = config;
  }

  /** The transaction {@code xid}, or null if it is not in memory. */
  Tx get(Xid xid) {
    return txs.get(xid);
  }

  boolean contains(Xid xid) {
    return txs.containsKey(xid);
  }

  void put(Tx tx) {
    txs.put(tx.xid, tx);
  }

  /** In xid order. */
  Collection<Tx> all() {
    return txs.values();
  }

  /** Views of the transactions with {@code status} (null for any), newest xid first, paged. */
  List<TxView> views(TxStatus status, int offset, int limit) {
    List<TxView> views = new ArrayList<>();
    int skipped = 0;
    for (Tx tx : txs.descendingMap().values()) {
      if (views.size() >= limit) {
        break;
      }
      if (status == null || tx.displayStatus() == status) {
        if (skipped < offset) {
          skipped++;
        } else {
          views.add(tx.view());
        }
      }
    }
    return views;
  }

  /** Transactions not yet finished (ACTIVE to phase 2 done). */
  int inFlight() {
    return txs.size() - finished.size();
  }

  /**
   * The smallest xid not yet finished, or null if every transaction in memory is finished. Walks
   * past the finished ones that precede it (at most {@code maxRetainedInMemory}); called once per
   * Forget.
   */
  Xid oldestInFlight() {
    for (Xid xid : txs.keySet()) {
      if (!finished.containsKey(xid)) {
        return xid;
      }
    }
    return null;
  }

  /** Finished transactions still in memory. */
  int retained() {
    return finished.size();
  }

  /** Moves {@code tx}'s wake-up to when it next needs one; nothing once it left memory. */
  void reschedule(Tx tx) {
    if (txs.get(tx.xid) == tx) {
      wakes.schedule(tx, Timers.nextWake(tx));
    }
  }

  /** Removes and returns, in time order, the xids whose wake-up is due at {@code now}. */
  List<Xid> due(long now) {
    return wakes.due(now);
  }

  /** {@code tx} finished: it stays queryable until retention drops it. */
  void finish(Tx tx, long now) {
    tx.finishedAtMillis = now;
    wakes.cancel(tx);
    finished.put(tx.xid, tx);
    while (finished.size() > config.maxRetainedInMemory()) {
      evictOldest();
    }
  }

  /** Drops the finished transactions older than the retention period. */
  void evictExpired(long now) {
    while (!finished.isEmpty()
        && finished.values().iterator().next().finishedAtMillis + config.retentionMillis() <= now) {
      evictOldest();
    }
  }

  private void evictOldest() {
    Iterator<Tx> it = finished.values().iterator();
    Tx oldest = it.next();
    it.remove();
    txs.remove(oldest.xid);
  }

  void clear() {
    txs.clear();
    finished.clear();
    wakes.clear();
  }
}
