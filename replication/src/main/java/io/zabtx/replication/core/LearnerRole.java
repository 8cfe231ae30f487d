package io.zabtx.replication.core;

import io.zabtx.replication.core.Message.Ack;
import io.zabtx.replication.core.Message.AckEpoch;
import io.zabtx.replication.core.Message.AckNewLeader;
import io.zabtx.replication.core.Message.Commit;
import io.zabtx.replication.core.Message.FollowerInfo;
import io.zabtx.replication.core.Message.Inform;
import io.zabtx.replication.core.Message.LeaderInfo;
import io.zabtx.replication.core.Message.NewLeader;
import io.zabtx.replication.core.Message.Ping;
import io.zabtx.replication.core.Message.PingReply;
import io.zabtx.replication.core.Message.Proposal;
import io.zabtx.replication.core.Message.SessionMessage;
import io.zabtx.replication.core.Message.SyncEntries;
import io.zabtx.replication.core.Message.SyncStart;
import io.zabtx.replication.core.Message.UpToDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A follower's or observer's side of one session with a leader.
 *
 * <p>The sync payload is buffered in memory until NEWLEADER and then applied in one output (rule 9:
 * an interrupted sync leaves nothing half-applied). The NEWLEADER ack and every proposal ack leave
 * only after what they acknowledge is durable (rules 5 and 6). Anything out of place — a gap in the
 * session, a proposal that does not extend the log, a commit of an entry not held — ends the
 * session and the node looks for a leader again.
 */
final class LearnerRole {

  private enum Phase {
    DISCOVERY,
    SYNC,
    /**
     * NEWLEADER applied and acked; waiting for UPTODATE. Proposals are logged and acked already.
     */
    SYNCED,
    BROADCAST
  }

  private final ZabCore core;
  private final ZabConfig config;
  private final long leader;
  private long session;
  private final boolean observer;
  private Phase phase = Phase.DISCOVERY;
  private long sendSeq;
  private long recvSeq;
  private long phaseStartTick;
  private long lastHeardTick;
  private long epoch = -1;
  private SyncStart syncStart;
  private final List<Entry> syncEntries = new ArrayList<>();

  LearnerRole(ZabCore core, long leader) {
    this.core = core;
    this.config = core.config();
    this.leader = leader;
    this.observer = !config.isVoter();
  }

  long leader() {
    return leader;
  }

  void start(Output out) {
    phaseStartTick = core.now();
    openSession(out);
  }

  /**
   * Opens a fresh session with FOLLOWERINFO. Also used to retry when the leader has not answered
   * yet: it may still have been finishing its own election and dropped the first attempt.
   */
  private void openSession(Output out) {
    session = core.random().nextLong();
    sendSeq = 0;
    recvSeq = 0;
    lastHeardTick = core.now();
    out.send(
        new FollowerInfo(config.sid(), leader, session, sendSeq++, core.acceptedEpoch(), observer));
  }

  void onMessage(SessionMessage m, Output out) {
    if (m.from() != leader || m.session() != session) {
      core.drop(m, "not from the current session with leader " + leader);
      return;
    }
    if (m.seq() != recvSeq) {
      core.lookAgain(
          "gap in session with leader "
              + leader
              + ": expected message "
              + recvSeq
              + ", got "
              + m.seq(),
          out);
      return;
    }
    recvSeq++;
    lastHeardTick = core.now();
    if (m instanceof LeaderInfo li && phase == Phase.DISCOVERY) {
      onLeaderInfo(li, out);
    } else if (m instanceof SyncStart ss && phase == Phase.SYNC && syncStart == null) {
      syncStart = ss;
    } else if (m instanceof SyncEntries se && phase == Phase.SYNC && syncStart != null) {
      syncEntries.addAll(se.entries());
    } else if (m instanceof NewLeader nl && phase == Phase.SYNC && syncStart != null) {
      onNewLeader(nl, out);
    } else if (m instanceof Proposal p && !observer && afterNewLeader()) {
      onProposal(p, out);
    } else if (m instanceof Commit c && !observer && afterNewLeader()) {
      onCommit(c.zxid(), out);
    } else if (m instanceof Inform i && observer && afterNewLeader()) {
      onInform(i, out);
    } else if (m instanceof UpToDate u && phase == Phase.SYNCED) {
      phase = Phase.BROADCAST;
      onCommit(u.commitZxid(), out);
      // The leader's epoch is established and this learner is in it: tell the runtime (its
      // health and role listeners report "following an established leader" from here on).
      out.roleChange(
          new Output.RoleChange(observer ? Role.OBSERVING : Role.FOLLOWING, leader, epoch));
    } else if (m instanceof Ping p) {
      out.send(new PingReply(config.sid(), leader, session, sendSeq++));
      if (afterNewLeader()) {
        core.commitTo(Math.min(p.commitZxid(), core.lastZxid()), out);
      }
    } else {
      core.lookAgain("unexpected " + m.getClass().getSimpleName() + " in " + phase, out);
    }
  }

  private boolean afterNewLeader() {
    return phase == Phase.SYNCED || phase == Phase.BROADCAST;
  }

  private void onLeaderInfo(LeaderInfo li, Output out) {
    boolean fresh;
    if (li.epoch() > Zxid.MAX_EPOCH) {
      core.lookAgain("leader " + leader + " proposes impossible epoch " + li.epoch(), out);
      return;
    }
    if (li.epoch() > core.acceptedEpoch()) {
      core.acceptedEpoch(li.epoch(), out);
      fresh = !observer; // an observer's promise counts for nothing (rule 8)
    } else if (li.epoch() == core.acceptedEpoch()) {
      // Already promised this epoch (to this leader in an earlier session, or to a rival). Join
      // without counting towards the quorum that establishes it: never ack two leaders of one
      // epoch (rule 3).
      fresh = false;
    } else {
      core.lookAgain(
          "leader "
              + leader
              + " proposes epoch "
              + li.epoch()
              + " below accepted epoch "
              + core.acceptedEpoch(),
          out);
      return;
    }
    epoch = li.epoch();
    phase = Phase.SYNC;
    out.sendAfterSync(
        new AckEpoch(
            config.sid(),
            leader,
            session,
            sendSeq++,
            fresh,
            core.currentEpoch(),
            core.lastZxid(),
            core.snapshot().zxid()));
  }

  private void onNewLeader(NewLeader nl, Output out) {
    String invalid = validateSync(nl);
    if (invalid != null) {
      core.lookAgain("refused sync from leader " + leader + ": " + invalid, out);
      return;
    }
    HistoryLog log = core.log();
    switch (syncStart.mode()) {
      case SNAP -> {
        // Snapshot and entries go to disk as one atomic install: see PersistOp.InstallSnapshot.
        log.install(syncStart.snapshot());
        syncEntries.forEach(log::append);
        out.persist(new PersistOp.InstallSnapshot(syncStart.snapshot(), syncEntries));
        core.restoreCommit(syncStart.snapshot(), out);
      }
      case TRUNC -> {
        log.truncateAfter(syncStart.truncZxid());
        out.persist(new PersistOp.Truncate(syncStart.truncZxid()));
        syncEntries.forEach(e -> core.append(e, out));
      }
      case DIFF -> syncEntries.forEach(e -> core.append(e, out));
    }
    syncEntries.clear();
    core.currentEpoch(epoch, out); // after the history: see PersistOp.SetCurrentEpoch
    phase = Phase.SYNCED;
    out.sendAfterSync(
        new AckNewLeader(config.sid(), leader, session, sendSeq++, epoch, core.lastZxid()));
  }

  /** Why the buffered sync cannot be applied, or null when it can. */
  private String validateSync(NewLeader nl) {
    HistoryLog log = core.log();
    if (nl.epoch() != epoch) {
      return "NEWLEADER for epoch " + nl.epoch() + " in a session for epoch " + epoch;
    }
    long base =
        switch (syncStart.mode()) {
          case SNAP -> syncStart.snapshot() == null ? -1 : syncStart.snapshot().zxid();
          case TRUNC -> syncStart.truncZxid();
          case DIFF -> log.lastZxid();
        };
    if (base < 0) {
      return "SNAP without a snapshot";
    }
    if (syncStart.mode() == Message.SyncMode.TRUNC) {
      if (!log.contains(base) || base > log.lastZxid()) {
        return "TRUNC to " + Zxid.format(base) + ", which is not in this log";
      }
      if (base < core.commitZxid() || base < log.snapshot().zxid()) {
        // Committed state is never truncated; a leader asking for it is wrong (rule 9).
        return "TRUNC to "
            + Zxid.format(base)
            + " below committed "
            + Zxid.format(Math.max(core.commitZxid(), log.snapshot().zxid()));
      }
    }
    long prev = base;
    for (Entry e : syncEntries) {
      if (e.zxid() <= prev) {
        return "sync entries out of order at " + Zxid.format(e.zxid());
      }
      prev = e.zxid();
    }
    if (prev != nl.zxid()) {
      return "sync ends at " + Zxid.format(prev) + " but NEWLEADER says " + Zxid.format(nl.zxid());
    }
    if (Zxid.epochOf(prev) > epoch) {
      return "sync carries entries of a future epoch";
    }
    return null;
  }

  private void onProposal(Proposal p, Output out) {
    long last = core.lastZxid();
    long expected = Zxid.epochOf(last) == epoch ? last + 1 : Zxid.make(epoch, 1);
    if (p.entry().zxid() != expected) {
      // Rule 6: a gap (or a repeat) means this session missed something; start over.
      core.lookAgain(
          "proposal " + Zxid.format(p.entry().zxid()) + " does not follow " + Zxid.format(last),
          out);
      return;
    }
    core.append(p.entry(), out);
    out.sendAfterSync(new Ack(config.sid(), leader, session, sendSeq++, p.entry().zxid()));
  }

  private void onCommit(long zxid, Output out) {
    if (zxid > core.lastZxid()) {
      core.lookAgain(
          "commit of " + Zxid.format(zxid) + " beyond the log end " + Zxid.format(core.lastZxid()),
          out);
      return;
    }
    core.commitTo(zxid, out);
  }

  private void onInform(Inform i, Output out) {
    for (Entry e : i.entries()) {
      if (e.zxid() <= core.lastZxid()) {
        core.lookAgain("INFORM of " + Zxid.format(e.zxid()) + " does not extend the log", out);
        return;
      }
      core.append(e, out);
    }
    core.commitTo(core.lastZxid(), out);
  }

  void tick(Output out) {
    long now = core.now();
    boolean syncing = phase == Phase.DISCOVERY || phase == Phase.SYNC;
    if (phase == Phase.DISCOVERY
        && recvSeq == 0
        && now - lastHeardTick >= config.electionResendTicks()
        && now - phaseStartTick <= config.initLimitTicks()) {
      openSession(out);
      return;
    }
    if (syncing && now - phaseStartTick > config.initLimitTicks()) {
      core.lookAgain("no sync from leader " + leader + " within initLimit", out);
    } else if (now - lastHeardTick > config.syncLimitTicks()) {
      core.lookAgain("leader " + leader + " silent for " + (now - lastHeardTick) + " ticks", out);
    }
  }
}
