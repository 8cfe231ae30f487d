package io.zabtx.replication.core;

import io.zabtx.replication.core.Message.SyncMode;
import java.util.List;

/**
 * How a leader brings one learner's log in line with its own (rule 5), decided from the learner's
 * last zxid and snapshot alone.
 *
 * @param mode DIFF, TRUNC or SNAP
 * @param truncZxid for TRUNC, the point the learner cuts its log back to; otherwise -1
 * @param snapshot for SNAP, the leader's snapshot; otherwise null
 * @param entries the entries the learner appends after the DIFF point, cut point or snapshot
 * @param target the learner's last zxid once synced
 */
record SyncPlan(
    SyncMode mode, long truncZxid, Snapshot snapshot, List<Entry> entries, long target) {

  /**
   * Plans the sync of a learner whose log ends at {@code learnerLast} (with its newest snapshot at
   * {@code learnerSnapshot}) up to the leader's point {@code target}.
   *
   * <p>The reasoning: within one epoch only one leader proposes, so every node's entries of an
   * epoch are a prefix of that leader's sequence, and two logs that share a zxid share everything
   * before it. Hence:
   *
   * <ul>
   *   <li>if the leader knows {@code learnerLast}, the learner holds exactly the leader's prefix up
   *       to it: DIFF when it is behind the target, TRUNC to the target when it is ahead;
   *   <li>otherwise the learner has a suffix the leader never had; the cut point is the leader's
   *       last zxid below it, which the learner is sure to hold only if it is in the same epoch.
   *       Across an epoch boundary the learner's earlier entries may differ from the leader's, so
   *       the leader sends a SNAP instead of a TRUNC;
   *   <li>a cut below the learner's snapshot would drop state the snapshot already reflects: SNAP;
   *   <li>a point the leader has compacted away: SNAP.
   * </ul>
   */
  static SyncPlan plan(HistoryLog log, long learnerLast, long learnerSnapshot, long target) {
    Check.state(log.contains(target), "sync target outside the leader's history");
    if (log.contains(learnerLast)) {
      if (learnerLast <= target) {
        return new SyncPlan(SyncMode.DIFF, -1, null, log.range(learnerLast, target), target);
      }
      if (target >= learnerSnapshot) {
        return new SyncPlan(SyncMode.TRUNC, target, null, List.of(), target);
      }
    } else {
      long cut = log.floor(Math.min(learnerLast - 1, target));
      if (cut >= 0 && Zxid.epochOf(cut) == Zxid.epochOf(learnerLast) && cut >= learnerSnapshot) {
        return new SyncPlan(SyncMode.TRUNC, cut, null, log.range(cut, target), target);
      }
    }
    Snapshot snap = log.snapshot();
    Check.state(snap.zxid() <= target, "leader snapshot beyond the sync target");
    return new SyncPlan(SyncMode.SNAP, -1, snap, log.range(snap.zxid(), target), target);
  }
}
