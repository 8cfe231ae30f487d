package io.zabtx.replication.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory view of a node's history: the newest snapshot plus the log entries after {@link
 * #baseZxid()}. Entries below the base were compacted away and are known only through the snapshot.
 *
 * <p>The durable copy lives in storage; this view changes only together with the {@link PersistOp}
 * that makes the same change durable.
 */
final class HistoryLog {

  private Snapshot snapshot;
  private long baseZxid;
  private final ArrayList<Entry> entries = new ArrayList<>();

  /** A history made of {@code snapshot} and the entries after it, in zxid order. */
  HistoryLog(Snapshot snapshot, List<Entry> after) {
    this.snapshot = snapshot;
    this.baseZxid = snapshot.zxid();
    for (Entry e : after) {
      if (e.zxid() > snapshot.zxid()) {
        append(e);
      }
    }
  }

  Snapshot snapshot() {
    return snapshot;
  }

  /** The zxid just before the first entry held in memory. */
  long baseZxid() {
    return baseZxid;
  }

  long lastZxid() {
    return entries.isEmpty() ? baseZxid : entries.get(entries.size() - 1).zxid();
  }

  int size() {
    return entries.size();
  }

  /**
   * True when {@code zxid} is a point of this history that is still known: the base or an entry.
   */
  boolean contains(long zxid) {
    return zxid == baseZxid || indexOf(zxid) >= 0;
  }

  /** The largest known point of this history that is at most {@code zxid}, or -1 if none. */
  long floor(long zxid) {
    if (zxid < baseZxid) {
      return -1;
    }
    int i = insertionPoint(zxid + 1) - 1;
    return i >= 0 ? entries.get(i).zxid() : baseZxid;
  }

  /** The entries with {@code after < zxid <= upTo}, in order; {@code after} must be known. */
  List<Entry> range(long after, long upTo) {
    Check.state(after >= baseZxid, "range starts below the base");
    int from = insertionPoint(after + 1);
    int to = insertionPoint(upTo + 1);
    return from >= to ? List.of() : List.copyOf(entries.subList(from, to));
  }

  void append(Entry e) {
    if (e.zxid() <= lastZxid()) { // the message is built only on failure: this is a hot path
      Check.state(false, "append of " + e + " after " + Zxid.format(lastZxid()));
    }
    entries.add(e);
  }

  /**
   * Drops every entry above {@code zxid}. Callers refuse a truncation below the snapshot first: a
   * snapshot holds only committed state, and committed state is never truncated (rule 9).
   */
  void truncateAfter(long zxid) {
    Check.state(zxid >= snapshot.zxid(), "truncation below the snapshot");
    int from = insertionPoint(zxid + 1);
    entries.subList(from, entries.size()).clear();
  }

  /** Replaces the whole history by {@code s}. */
  void install(Snapshot s) {
    snapshot = s;
    baseZxid = s.zxid();
    entries.clear();
  }

  /**
   * Records a new snapshot of committed state and frees entries below it, keeping the last {@code
   * retain} of them so that slightly lagging learners can still be sent a DIFF.
   */
  void compact(Snapshot s, int retain) {
    Check.state(s.zxid() >= snapshot.zxid() && contains(s.zxid()), "snapshot outside history");
    snapshot = s;
    int upTo = insertionPoint(s.zxid() + 1); // entries[0, upTo) are covered by the snapshot
    int drop = Math.max(0, upTo - retain);
    if (drop > 0) {
      baseZxid = entries.get(drop - 1).zxid();
      entries.subList(0, drop).clear();
    }
  }

  private int indexOf(long zxid) {
    int i = insertionPoint(zxid);
    return i < entries.size() && entries.get(i).zxid() == zxid ? i : -1;
  }

  /** Index of the first entry with a zxid at least {@code zxid}. */
  private int insertionPoint(long zxid) {
    int lo = 0;
    int hi = entries.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (entries.get(mid).zxid() < zxid) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
