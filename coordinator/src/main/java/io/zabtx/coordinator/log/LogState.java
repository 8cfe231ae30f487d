package io.zabtx.coordinator.log;

import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Xid;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The whole state of a {@link DecisionLog}: the logged transactions by xid, the forgotten
 * watermark, counters, and indexes kept in step with the map (unfinished xids, counts by status).
 *
 * <p>Threading: written only by the thread that applies entries (one writer), read from any thread.
 * Values are immutable {@link LoggedTx}s that are replaced, never changed; the fields are volatile
 * or concurrent, so readers see each value whole. A restore builds a new {@code LogState} and swaps
 * it in, so readers never see a half-restored state.
 */
final class LogState {

  private static final int STATUSES = TxStatus.values().length;

  final ConcurrentSkipListMap<Xid, LoggedTx> txs = new ConcurrentSkipListMap<>();

  /** Xids with a commit point and no Completed: what a new leader must drive to completion. */
  final ConcurrentSkipListSet<Xid> unfinished = new ConcurrentSkipListSet<>();

  private final AtomicLongArray statusCounts = new AtomicLongArray(STATUSES);

  /** {@code txs.size()} is a walk of the whole map; the gauge reads this instead. */
  private volatile int size;

  /** The largest forgotten xid, or null while nothing was forgotten. Only grows. */
  volatile Xid watermark;

  volatile long lastAppliedZxid;
  volatile long rejectedCommitPoints;
  volatile long duplicateCommitPoints;
  volatile long ignoredHeuristics;

  /** Replaces {@code old} (null if the log held nothing for the xid) with {@code tx}. */
  void put(LoggedTx old, LoggedTx tx) {
    if (watermark != null && tx.xid().compareTo(watermark) <= 0) {
      // Always on: an xid at or below W in the map would break "forgotten means ≤ W".
      throw new IllegalStateException(
          "decision log: " + tx.xid() + " would be logged at or below watermark " + watermark);
    }
    if (old == null) {
      size++;
    } else {
      statusCounts.decrementAndGet(old.status().ordinal());
    }
    statusCounts.incrementAndGet(tx.status().ordinal());
    if (tx.hasCommitPoint() && !tx.completed()) {
      unfinished.add(tx.xid());
    } else {
      unfinished.remove(tx.xid());
    }
    txs.put(tx.xid(), tx);
  }

  /** Removes {@code tx}, which the map holds. */
  void remove(LoggedTx tx) {
    txs.remove(tx.xid());
    unfinished.remove(tx.xid());
    statusCounts.decrementAndGet(tx.status().ordinal());
    size--;
  }

  int size() {
    return size;
  }

  long count(TxStatus status) {
    return statusCounts.get(status.ordinal());
  }

  boolean isForgotten(Xid xid) {
    Xid w = watermark;
    return w != null && xid.compareTo(w) <= 0;
  }

  /**
   * True if {@code tx} may be forgotten at all: completed with a commit point, or without one
   * (aborted, presumed: only heuristic reports created it). False while phase 2 runs.
   */
  static boolean finished(LoggedTx tx) {
    return !tx.hasCommitPoint() || tx.completed();
  }

  /**
   * When {@code tx} finished, for retention: the Completed time with a commit point, the latest
   * report without one (such a transaction is aborted, presumed, so it is finished as soon as it is
   * logged); {@link Long#MAX_VALUE} while phase 2 runs, which no retention cut passes.
   */
  static long completedAtMillis(LoggedTx tx) {
    if (tx.hasCommitPoint()) {
      return tx.completed() ? tx.completedAtMillis() : Long.MAX_VALUE;
    }
    long latest = Long.MIN_VALUE;
    for (HeuristicRecord h : tx.heuristics()) {
      latest = Math.max(latest, h.reportedAtMillis());
    }
    return latest;
  }
}
