package io.zabtx.replication.sim;

import io.zabtx.replication.core.DurableState;
import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.PersistOp;
import io.zabtx.replication.core.Snapshot;
import io.zabtx.replication.core.Zxid;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A node's simulated disk. Writes are buffered until {@link #sync()}; a {@link #crash} keeps only a
 * prefix of the unsynced writes (in write order, which is how the runtime contract orders epoch
 * files after the log fsync) and may tear the last log record, which recovery then cuts off.
 */
final class SimDisk {

  long acceptedEpoch;
  long currentEpoch;
  Snapshot snapshot = Snapshot.EMPTY;
  final ArrayList<Entry> log = new ArrayList<>();

  private final ArrayList<PersistOp> pending = new ArrayList<>();

  /** Count of ops ever written and ever made durable; messages wait on these. */
  long writtenOps;

  long durableOps;
  long syncs;
  long tornTails;

  void write(PersistOp op) {
    pending.add(op);
    writtenOps++;
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /** Everything written so far becomes durable. */
  void sync() {
    for (PersistOp op : pending) {
      makeDurable(op);
    }
    pending.clear();
    durableOps = writtenOps;
    syncs++;
  }

  int pendingCount() {
    return pending.size();
  }

  /** Power loss: a random prefix of unsynced writes survives; the last record may be torn. */
  void crash(RandomGenerator random, boolean mayTear) {
    crash(pending.isEmpty() ? 0 : random.nextInt(pending.size() + 1), random, mayTear);
  }

  /** Power loss that keeps exactly the first {@code keep} unsynced writes. */
  void crash(int keep, RandomGenerator random, boolean mayTear) {
    keep = Math.min(keep, pending.size());
    for (int i = 0; i < keep; i++) {
      makeDurable(pending.get(i));
    }
    if (mayTear
        && keep > 0
        && pending.get(keep - 1) instanceof PersistOp.Append
        && random.nextBoolean()
        && !log.isEmpty()) {
      // The record reached the platter only in part; its CRC fails and recovery cuts it off.
      log.remove(log.size() - 1);
      tornTails++;
    }
    pending.clear();
    writtenOps = durableOps = 0;
  }

  /** What storage hands a restarting node. */
  DurableState recover() {
    List<Entry> after = new ArrayList<>();
    for (Entry e : log) {
      if (e.zxid() > snapshot.zxid()) {
        after.add(e);
      }
    }
    return new DurableState(acceptedEpoch, currentEpoch, snapshot, after);
  }

  /** Writes a snapshot of applied state durably and compacts the log below it. */
  void saveSnapshot(Snapshot s) {
    snapshot = s;
    log.removeIf(e -> e.zxid() <= s.zxid());
  }

  /** True when the durable history holds {@code e}: in the log, or folded into the snapshot. */
  boolean durablyHolds(Entry e) {
    if (e.zxid() <= snapshot.zxid()) {
      return true;
    }
    int lo = 0;
    int hi = log.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long z = log.get(mid).zxid();
      if (z == e.zxid()) {
        return log.get(mid).equals(e);
      }
      if (z < e.zxid()) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return false;
  }

  private void makeDurable(PersistOp op) {
    if (op instanceof PersistOp.Append a) {
      long last = log.isEmpty() ? snapshot.zxid() : log.get(log.size() - 1).zxid();
      if (a.entry().zxid() <= last) {
        throw new InvariantViolation(
            "zxid-order",
            "durable append of " + Zxid.format(a.entry().zxid()) + " after " + Zxid.format(last));
      }
      log.add(a.entry());
    } else if (op instanceof PersistOp.Truncate t) {
      if (t.zxid() < snapshot.zxid()) {
        throw new InvariantViolation(
            "truncate-below-snapshot",
            "truncation to "
                + Zxid.format(t.zxid())
                + " below snapshot "
                + Zxid.format(snapshot.zxid()));
      }
      log.removeIf(e -> e.zxid() > t.zxid());
    } else if (op instanceof PersistOp.InstallSnapshot s) {
      snapshot = s.snapshot();
      log.clear();
      log.addAll(s.entries());
    } else if (op instanceof PersistOp.SetAcceptedEpoch e) {
      acceptedEpoch = e.epoch();
    } else if (op instanceof PersistOp.SetCurrentEpoch e) {
      currentEpoch = e.epoch();
    }
    if (acceptedEpoch < currentEpoch) {
      throw new InvariantViolation(
          "epochs", "durable acceptedEpoch " + acceptedEpoch + " < currentEpoch " + currentEpoch);
    }
  }
}
