package io.zabtx.replication.sim;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Output;
import io.zabtx.replication.core.ZabCore;
import io.zabtx.replication.core.Zxid;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks the invariants of DESIGN.md §2.2 as the simulation runs:
 *
 * <ul>
 *   <li>committed logs are prefixes of one another (one global committed history, every node's
 *       commits checked against it entry by entry);
 *   <li>at most one established leader per epoch;
 *   <li>nothing committed is lost: the newest committed entry is durable on a quorum of voters;
 *   <li>zxids strictly increase per node (checked by {@link SimDisk} and here on appends);
 *   <li>acceptedEpoch ≥ currentEpoch, in memory and on disk;
 *   <li>a node's applied state is the fold of a prefix of the committed history.
 * </ul>
 */
final class InvariantChecker {

  private final List<Entry> history = new ArrayList<>();
  private final List<Long> prefixHash = new ArrayList<>(List.of(0L));
  private final Map<Long, Integer> positionByZxid = new HashMap<>();
  private final Map<Long, Integer> committedCount = new HashMap<>();
  private final Map<Long, Long> leaderByEpoch = new TreeMap<>();
  private final int quorum;

  InvariantChecker(int quorum) {
    this.quorum = quorum;
  }

  /** The one committed history, as far as any node has committed it. */
  List<Entry> history() {
    return history;
  }

  Map<Long, Long> leaderByEpoch() {
    return leaderByEpoch;
  }

  void onBoot(SimNode n) {
    committedCount.put(n.sid, positionAfter(n.disk.snapshot.zxid(), "recovered snapshot"));
    onApplied(n);
  }

  void onOutput(SimNode n, Output out) {
    if (out.establishedEpoch() >= 0) {
      Long prior = leaderByEpoch.putIfAbsent(out.establishedEpoch(), n.sid);
      if (prior != null && prior != n.sid) {
        throw new InvariantViolation(
            "one-leader-per-epoch",
            "servers "
                + prior
                + " and "
                + n.sid
                + " both established epoch "
                + out.establishedEpoch());
      }
    }
    int count = committedCount.get(n.sid);
    if (out.restore() != null) {
      count = positionAfter(out.restore().zxid(), "installed snapshot");
    }
    for (Entry e : out.committed()) {
      if (count < history.size()) {
        Entry expected = history.get(count);
        if (!expected.equals(e)) {
          throw new InvariantViolation(
              "committed-prefix",
              "server "
                  + n.sid
                  + " committed "
                  + e
                  + " at position "
                  + count
                  + " where the committed history has "
                  + expected);
        }
      } else {
        if (!history.isEmpty() && e.zxid() <= history.get(history.size() - 1).zxid()) {
          throw new InvariantViolation(
              "zxid-order", "committed " + e + " after " + history.get(history.size() - 1));
        }
        positionByZxid.put(e.zxid(), history.size());
        history.add(e);
        prefixHash.add(SimStateMachine.fold(prefixHash.get(prefixHash.size() - 1), e));
      }
      count++;
    }
    committedCount.put(n.sid, count);
    ZabCore core = n.core;
    if (core.acceptedEpoch() < core.currentEpoch()) {
      throw new InvariantViolation(
          "epochs",
          "server "
              + n.sid
              + " acceptedEpoch "
              + core.acceptedEpoch()
              + " < currentEpoch "
              + core.currentEpoch());
    }
    if (core.commitZxid() > core.lastZxid()) {
      throw new InvariantViolation(
          "commit-beyond-log",
          "server "
              + n.sid
              + " commit "
              + Zxid.format(core.commitZxid())
              + " > last "
              + Zxid.format(core.lastZxid()));
    }
  }

  void onApplied(SimNode n) {
    SimStateMachine sm = n.stateMachine;
    if (sm.count > history.size() || prefixHash.get((int) sm.count) != sm.hash) {
      throw new InvariantViolation(
          "applied-state",
          "server "
              + n.sid
              + " applied "
              + sm.count
              + " entries up to "
              + Zxid.format(sm.appliedZxid)
              + " but its state is not the fold of the committed history's prefix");
    }
    long expectedZxid = sm.count == 0 ? sm.appliedZxid : history.get((int) sm.count - 1).zxid();
    if (sm.count > 0 && expectedZxid != sm.appliedZxid) {
      throw new InvariantViolation(
          "applied-state",
          "server "
              + n.sid
              + " applied up to "
              + Zxid.format(sm.appliedZxid)
              + ", history says "
              + Zxid.format(expectedZxid));
    }
  }

  /** The newest committed entry must be durable on a quorum of voters at every instant. */
  void checkDurability(Collection<SimNode> nodes) {
    if (history.isEmpty()) {
      return;
    }
    Entry last = history.get(history.size() - 1);
    int holders = 0;
    for (SimNode n : nodes) {
      if (n.config.isVoter() && n.disk.durablyHolds(last)) {
        holders++;
      }
    }
    if (holders < quorum) {
      throw new InvariantViolation(
          "committed-durable",
          "committed "
              + last
              + " is durable on "
              + holders
              + " voters, fewer than a quorum of "
              + quorum);
    }
  }

  private int positionAfter(long zxid, String what) {
    if (zxid == Zxid.ZERO) {
      return 0;
    }
    Integer p = positionByZxid.get(zxid);
    if (p == null) {
      throw new InvariantViolation(
          "committed-prefix",
          what + " at " + Zxid.format(zxid) + " is not a point of the committed history");
    }
    return p + 1;
  }
}
