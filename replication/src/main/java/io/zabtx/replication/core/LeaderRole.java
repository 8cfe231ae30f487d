package io.zabtx.replication.core;

import io.zabtx.replication.core.LearnerSession.Phase;
import io.zabtx.replication.core.Message.Ack;
import io.zabtx.replication.core.Message.AckEpoch;
import io.zabtx.replication.core.Message.AckNewLeader;
import io.zabtx.replication.core.Message.Commit;
import io.zabtx.replication.core.Message.FollowerInfo;
import io.zabtx.replication.core.Message.Inform;
import io.zabtx.replication.core.Message.LeaderInfo;
import io.zabtx.replication.core.Message.LocalSynced;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The leader's side of discovery, synchronization and broadcast, for one leadership term.
 *
 * <p>Discovery: collect FOLLOWERINFO from a quorum, propose epoch max(acceptedEpoch)+1, collect
 * fresh ACKEPOCHs from a quorum, stepping down if any reports a newer history (rule 4). Sync: plan
 * DIFF/TRUNC/SNAP per learner, send the payload, then NEWLEADER (rule 5). The leader is established
 * once a quorum (itself counted only after its own fsync) acknowledged NEWLEADER; that commits its
 * whole history. Broadcast: proposals are pipelined; commits advance in zxid order as a quorum's
 * durable acks allow (rule 6).
 */
final class LeaderRole {

  private final ZabCore core;
  private final ZabConfig config;
  private final long term;
  private final long startTick;

  /** The leader's history summary when elected, for the rule-4 comparison. */
  private final long summaryEpoch;

  private final long summaryZxid;
  private final Map<Long, LearnerSession> sessions = new TreeMap<>();
  private final TreeSet<Long> epochAcks = new TreeSet<>();
  private final TreeSet<Long> newLeaderAcks = new TreeSet<>();

  /** The new epoch, once a quorum's FOLLOWERINFO fixed it; -1 before. */
  private long epoch = -1;

  private boolean syncStarted;
  private boolean established;
  private long selfDurableZxid = -1;
  private long nextPingTick;

  LeaderRole(ZabCore core, long term) {
    this.core = core;
    this.config = core.config();
    this.term = term;
    this.startTick = core.now();
    this.summaryEpoch = core.currentEpoch();
    this.summaryZxid = core.lastZxid();
  }

  boolean established() {
    return established;
  }

  long epoch() {
    return epoch;
  }

  void onMessage(SessionMessage m, Output out) {
    if (m instanceof FollowerInfo fi) {
      onFollowerInfo(fi, out);
      return;
    }
    LearnerSession s = sessions.get(m.from());
    if (s == null || s.id != m.session()) {
      core.drop(m, "unknown or stale session");
      return;
    }
    if (m.seq() != s.recvSeq) {
      endSession(s, "gap in session: expected message " + s.recvSeq + ", got " + m.seq());
      return;
    }
    s.recvSeq++;
    s.lastHeardTick = core.now();
    if (m instanceof AckEpoch a) {
      onAckEpoch(s, a, out);
    } else if (m instanceof AckNewLeader a) {
      onAckNewLeader(s, a, out);
    } else if (m instanceof Ack a) {
      onAck(s, a, out);
    } else if (!(m instanceof PingReply)) {
      endSession(s, "unexpected " + m.getClass().getSimpleName() + " from a learner");
    }
  }

  /** Called once on election: a single-voter ensemble is its own quorum. */
  void start(Output out) {
    maybeDecideEpoch(out);
  }

  private void onFollowerInfo(FollowerInfo fi, Output out) {
    boolean observer = config.observers().contains(fi.from());
    if (fi.seq() != 0
        || fi.observer() != observer
        || fi.acceptedEpoch() < 0
        || fi.acceptedEpoch() >= Zxid.MAX_EPOCH) {
      core.drop(fi, "malformed FOLLOWERINFO");
      return;
    }
    LearnerSession s =
        new LearnerSession(fi.from(), fi.session(), observer, fi.acceptedEpoch(), core.now());
    sessions.put(fi.from(), s); // a new session replaces any older one of the same learner
    if (epoch >= 0) {
      if (!observer && fi.acceptedEpoch() > epoch) {
        // The voter promised a later epoch to a candidate that failed; it will never ack ours.
        // Left alone it could never rejoin while this leader lives, so make room for an epoch
        // above its promise (the next discovery counts it). This happens at most once per promise.
        core.lookAgain(
            "voter "
                + fi.from()
                + " promised epoch "
                + fi.acceptedEpoch()
                + ", above this leader's "
                + epoch,
            out);
        return;
      }
      sendLeaderInfo(s, out);
      return;
    }
    maybeDecideEpoch(out);
  }

  /** Rule 4: once a quorum reported, the new epoch is max(acceptedEpoch) + 1. */
  private void maybeDecideEpoch(Output out) {
    int voters = 1; // this leader
    long max = core.acceptedEpoch();
    for (LearnerSession o : sessions.values()) {
      if (!o.observer) {
        voters++;
        max = Math.max(max, o.acceptedEpoch);
      }
    }
    if (voters < config.quorum()) {
      return;
    }
    if (max >= Zxid.MAX_EPOCH) {
      // 2^31 epochs: unreachable in practice, but never mint an invalid zxid.
      ZabCore.LOG.log(System.Logger.Level.ERROR, "server {0}: epoch space exhausted", config.sid());
      core.lookAgain("epoch space exhausted", out);
      return;
    }
    epoch = max + 1;
    core.acceptedEpoch(epoch, out);
    for (LearnerSession o : sessions.values()) {
      sendLeaderInfo(o, out);
    }
    maybeStartSync(out);
  }

  private void sendLeaderInfo(LearnerSession s, Output out) {
    s.phase = Phase.AWAIT_EPOCH_ACK;
    // After sync: the promise of this epoch must be durable before anyone hears of it.
    out.sendAfterSync(new LeaderInfo(config.sid(), s.sid, s.id, s.sendSeq++, epoch));
  }

  private void onAckEpoch(LearnerSession s, AckEpoch a, Output out) {
    if (s.phase != Phase.AWAIT_EPOCH_ACK) {
      endSession(s, "ACKEPOCH out of order");
      return;
    }
    boolean newer =
        a.currentEpoch() > summaryEpoch
            || (a.currentEpoch() == summaryEpoch && a.lastZxid() > summaryZxid);
    // Observers are left out: they hold only committed entries, and an observer synced by a leader
    // that never got established must not keep every later candidate from leading.
    if (newer && !syncStarted && !s.observer) {
      core.lookAgain(
          "learner "
              + s.sid
              + " has a newer history ("
              + a.currentEpoch()
              + ", "
              + Zxid.format(a.lastZxid())
              + ")",
          out);
      return;
    }
    s.epochAck = a;
    s.phase = Phase.AWAIT_SYNC;
    if (syncStarted) {
      startSync(s, out);
      return;
    }
    if (a.fresh() && !s.observer) {
      epochAcks.add(s.sid);
    }
    maybeStartSync(out);
  }

  /** Sync begins once a quorum (this leader included) accepted the epoch. */
  private void maybeStartSync(Output out) {
    if (!syncStarted && epoch >= 0 && epochAcks.size() + 1 >= config.quorum()) {
      syncStarted = true;
      core.currentEpoch(epoch, out);
      out.sendAfterSync(new LocalSynced(config.sid(), config.sid(), term, core.lastZxid(), true));
      for (LearnerSession o : sessions.values()) {
        if (o.phase == Phase.AWAIT_SYNC) {
          startSync(o, out);
        }
      }
    }
  }

  private void startSync(LearnerSession s, Output out) {
    long target = s.observer ? core.commitZxid() : core.lastZxid();
    SyncPlan plan =
        SyncPlan.plan(core.log(), s.epochAck.lastZxid(), s.epochAck.snapshotZxid(), target);
    out.send(
        new SyncStart(
            config.sid(),
            s.sid,
            s.id,
            s.sendSeq++,
            plan.mode(),
            plan.truncZxid(),
            plan.snapshot()));
    List<Entry> entries = plan.entries();
    for (int i = 0; i < entries.size(); i += config.syncBatchEntries()) {
      List<Entry> batch =
          entries.subList(i, Math.min(entries.size(), i + config.syncBatchEntries()));
      out.send(new SyncEntries(config.sid(), s.sid, s.id, s.sendSeq++, List.copyOf(batch)));
    }
    out.send(new NewLeader(config.sid(), s.sid, s.id, s.sendSeq++, epoch, plan.target()));
    s.sentZxid = plan.target();
    s.newLeaderZxid = plan.target();
    s.phase = Phase.SYNCING;
  }

  private void onAckNewLeader(LearnerSession s, AckNewLeader a, Output out) {
    if (s.phase != Phase.SYNCING || a.epoch() != epoch || a.zxid() != s.newLeaderZxid) {
      endSession(s, "NEWLEADER ack does not match what was sent");
      return;
    }
    s.phase = Phase.ACTIVE;
    if (!s.observer) {
      s.ackedZxid = a.zxid();
    }
    if (established) {
      sendUpToDate(s, out);
      advanceCommit(out); // the late joiner's ack may complete a quorum for pending proposals
    } else if (!s.observer) {
      newLeaderAcks.add(s.sid);
      checkEstablished(out);
    }
  }

  void onLocalSynced(LocalSynced m, Output out) {
    if (m.term() != term) {
      return; // from an earlier leadership of this node
    }
    selfDurableZxid = Math.max(selfDurableZxid, m.zxid());
    if (m.newLeader()) {
      newLeaderAcks.add(config.sid());
      checkEstablished(out);
    } else {
      advanceCommit(out);
    }
  }

  private void checkEstablished(Output out) {
    if (established
        || !newLeaderAcks.contains(config.sid())
        || newLeaderAcks.size() < config.quorum()) {
      return;
    }
    established = true;
    out.established(epoch);
    out.roleChange(new Output.RoleChange(Role.LEADING, config.sid(), epoch));
    ZabCore.LOG.log(
        System.Logger.Level.DEBUG,
        "server {0}: established as leader of epoch {1}",
        config.sid(),
        epoch);
    // A quorum holds the whole initial history durably under this epoch: it is committed.
    commit(core.lastZxid(), out);
    for (LearnerSession s : sessions.values()) {
      if (s.phase == Phase.ACTIVE) {
        sendUpToDate(s, out);
      }
    }
  }

  private void sendUpToDate(LearnerSession s, Output out) {
    out.send(new UpToDate(config.sid(), s.sid, s.id, s.sendSeq++, core.commitZxid()));
    s.commitSent = core.commitZxid();
  }

  /**
   * Tells a following learner the commit point if it has moved since it was last told. Commits are
   * not sent the moment they happen: clients are answered by the leader, and a follower only needs
   * the commit point to apply. So it rides along with the next proposal to that learner (the same
   * transport frame) or goes out on the next tick, whichever comes first; under load this halves
   * the messages per write, and an idle follower still applies within a tick.
   */
  private void sendCommitIfMoved(LearnerSession s, Output out) {
    // A learner still syncing learns the commit point from its UPTODATE.
    if (s.phase == Phase.ACTIVE && !s.observer && s.commitSent < core.commitZxid()) {
      out.send(new Commit(config.sid(), s.sid, s.id, s.sendSeq++, core.commitZxid()));
      s.commitSent = core.commitZxid();
    }
  }

  private void onAck(LearnerSession s, Ack a, Output out) {
    if (s.observer
        || s.phase != Phase.ACTIVE
        || a.zxid() < s.ackedZxid
        || a.zxid() > core.lastZxid()) {
      endSession(s, "ack of " + Zxid.format(a.zxid()) + " is out of order");
      return;
    }
    s.ackedZxid = a.zxid();
    advanceCommit(out);
  }

  /** Commits what a quorum of voters holds durably, the leader counted after its own fsync. */
  private void advanceCommit(Output out) {
    if (!established) {
      return;
    }
    long[] durable = new long[config.voters().size()];
    int i = 0;
    durable[i++] = selfDurableZxid;
    for (LearnerSession s : sessions.values()) {
      if (!s.observer && s.phase == Phase.ACTIVE) {
        durable[i++] = s.ackedZxid;
      }
    }
    long agreed = Quorum.agreed(java.util.Arrays.copyOf(durable, i), config.quorum());
    if (agreed > core.commitZxid()) {
      commit(agreed, out);
    }
  }

  private void commit(long zxid, Output out) {
    long before = core.commitZxid();
    core.commitTo(zxid, out);
    if (core.commitZxid() == before) {
      return;
    }
    for (LearnerSession s : sessions.values()) {
      // Followers learn it lazily (sendCommitIfMoved); observers need the entries themselves.
      if (s.streaming() && s.observer && s.sentZxid < zxid) {
        out.send(
            new Inform(config.sid(), s.sid, s.id, s.sendSeq++, core.log().range(s.sentZxid, zxid)));
        s.sentZxid = zxid;
      }
    }
  }

  void propose(byte[] data, Output out) {
    if (!established) {
      return;
    }
    long last = core.lastZxid();
    long counter = Zxid.epochOf(last) == epoch ? Zxid.counterOf(last) + 1 : 1;
    long commit = core.commitZxid();
    long committedCounter = Zxid.epochOf(commit) == epoch ? Zxid.counterOf(commit) : 0;
    if (counter - 1 - committedCounter >= config.maxOutstandingProposals()) {
      return; // backpressure: the caller retries once commits catch up
    }
    if (counter > config.maxCounter()) {
      // Rule 1: the counter is exhausted; only a new epoch can mint more zxids.
      core.lookAgain("zxid counter exhausted in epoch " + epoch, out);
      return;
    }
    Entry e = new Entry(Zxid.make(epoch, counter), data);
    core.append(e, out);
    for (LearnerSession s : sessions.values()) {
      if (s.streaming() && !s.observer) {
        sendCommitIfMoved(s, out);
        out.send(new Proposal(config.sid(), s.sid, s.id, s.sendSeq++, e));
        s.sentZxid = e.zxid();
      }
    }
    out.sendAfterSync(new LocalSynced(config.sid(), config.sid(), term, e.zxid(), false));
    out.proposed(e.zxid());
  }

  void tick(Output out) {
    long now = core.now();
    if (!established && now - startTick > config.initLimitTicks()) {
      core.lookAgain("not established within initLimit", out);
      return;
    }
    int heard = 1;
    List<LearnerSession> silent = new ArrayList<>();
    for (LearnerSession s : sessions.values()) {
      long limit = s.streaming() ? config.syncLimitTicks() : config.initLimitTicks();
      if (now - s.lastHeardTick > limit) {
        silent.add(s);
      } else if (!s.observer && s.phase == Phase.ACTIVE) {
        heard++;
      }
    }
    for (LearnerSession s : silent) {
      endSession(s, "silent for too long");
    }
    if (established && heard < config.quorum()) {
      // Rule 7: without a quorum this leader may be partitioned away from a newer one.
      core.lookAgain("lost contact with a quorum", out);
      return;
    }
    for (LearnerSession s : sessions.values()) {
      sendCommitIfMoved(s, out);
    }
    if (now >= nextPingTick) {
      nextPingTick = now + config.pingTicks();
      for (LearnerSession s : sessions.values()) {
        out.send(new Ping(config.sid(), s.sid, s.id, s.sendSeq++, core.commitZxid()));
      }
    }
  }

  private void endSession(LearnerSession s, String why) {
    ZabCore.LOG.log(
        System.Logger.Level.DEBUG,
        "server {0}: ended session of learner {1}: {2}",
        config.sid(),
        s.sid,
        why);
    sessions.remove(s.sid);
  }
}
