package io.zabtx.replication.core;

import io.zabtx.replication.core.Message.Notification;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fast leader election (rule 2), run while the node is LOOKING: exchange votes, adopt better ones,
 * and decide once a quorum agrees and no better vote arrives within the finalize wait. A LOOKING
 * node also joins a leader that a quorum reports following, provided the leader itself says it
 * leads.
 */
final class Election {

  private final ZabCore core;
  private final ZabConfig config;

  /** Logical clock: the election round this node is in. */
  private long round;

  private Vote vote;

  /** Votes of LOOKING voters in the current round, this node's own included. */
  private final Map<Long, Vote> received = new TreeMap<>();

  /** Reports of voters that are not LOOKING: whom they follow or that they lead. */
  private final Map<Long, Notification> outOfElection = new TreeMap<>();

  private long finalizeAtTick = -1;
  private long resendAtTick;

  Election(ZabCore core) {
    this.core = core;
    this.config = core.config();
  }

  long round() {
    return round;
  }

  /** The vote this node currently stands for; null for an observer before it learns a leader. */
  Vote vote() {
    return vote;
  }

  /** Begins a new round with a vote for this node (observers vote for no one). */
  void start(Output out) {
    round++;
    received.clear();
    outOfElection.clear();
    finalizeAtTick = -1;
    vote = config.isVoter() ? selfVote() : null;
    if (vote != null) {
      received.put(config.sid(), vote);
    }
    broadcast(out);
    checkQuorum();
  }

  private Vote selfVote() {
    return new Vote(config.sid(), core.log().lastZxid(), core.currentEpoch());
  }

  /** Handles a notification while LOOKING. */
  void onNotification(Notification n, Output out) {
    boolean fromVoter = config.voters().contains(n.from());
    if (!fromVoter) {
      // Observers do not vote; answer so that they learn the round and, later, the leader.
      if (n.state() == Role.LOOKING && vote != null) {
        out.send(notification(n.from()));
      }
      return;
    }
    Vote theirs = new Vote(n.leader(), n.zxid(), n.peerEpoch());
    if (n.state() == Role.LOOKING) {
      if (!config.isVoter()) {
        return; // an observer waits for a leader to be established
      }
      if (n.round() > round) {
        round = n.round();
        received.clear();
        vote = theirs.beats(selfVote()) ? theirs : selfVote();
        finalizeAtTick = -1;
        broadcast(out);
      } else if (n.round() < round) {
        out.send(notification(n.from())); // help the laggard catch up
        return;
      } else if (theirs.beats(vote)) {
        vote = theirs;
        finalizeAtTick = -1;
        broadcast(out);
      }
      received.put(n.from(), theirs);
      received.put(config.sid(), vote);
      checkQuorum();
      return;
    }
    // The sender follows or leads: an ensemble may already be established.
    outOfElection.put(n.from(), n);
    if (n.round() == round && config.isVoter()) {
      received.put(n.from(), theirs);
    }
    if (establishedLeaderAgreed(n.leader())) {
      round = Math.max(round, n.round());
      vote = theirs;
      core.decide(n.leader(), out);
    }
  }

  /**
   * Forgets what {@code sid} reported: its connection broke, so its vote or its claim to lead is
   * stale evidence. Without this a LOOKING node could still join a leader whose LEADING report
   * arrived just before it was killed, and then wait out the init limit in discovery with a dead
   * leader (the learner's own peer-lost check never fires: the loss was heard while LOOKING). If
   * this node itself votes for {@code sid}, it starts a new round with a vote for itself, so that
   * no quorum forms around a peer that is gone. Removing votes only delays a decision; it never
   * affects safety, which discovery and synchronization guarantee.
   */
  void peerLost(long sid, Output out) {
    if (sid == config.sid()) {
      return;
    }
    outOfElection.remove(sid);
    received.remove(sid);
    if (vote != null && vote.leader() == sid && config.isVoter()) {
      start(out);
      return;
    }
    if (finalizeAtTick >= 0) {
      finalizeAtTick = -1; // the quorum may have included sid: count again
      checkQuorum();
    }
  }

  /** Advances timers while LOOKING: decides after the finalize wait, re-sends the vote. */
  void tick(Output out) {
    long now = core.now();
    if (finalizeAtTick >= 0 && now >= finalizeAtTick) {
      finalizeAtTick = -1;
      core.decide(vote.leader(), out);
      return;
    }
    if (now >= resendAtTick) {
      broadcast(out);
    }
  }

  /** The notification this node sends about its vote or its leader. */
  Notification notification(long to) {
    Role state = core.role();
    if (state == Role.LOOKING) {
      return new Notification(
          config.sid(), to, state, round, vote.leader(), vote.zxid(), vote.peerEpoch());
    }
    long leader = core.leaderId();
    Vote v = vote != null ? vote : new Vote(leader, 0, 0);
    return new Notification(config.sid(), to, state, round, leader, v.zxid(), v.peerEpoch());
  }

  private void broadcast(Output out) {
    if (vote != null || !config.isVoter()) {
      for (long v : config.voters()) {
        if (v != config.sid()) {
          out.send(
              vote != null
                  ? notification(v)
                  : new Notification(config.sid(), v, Role.LOOKING, round, -1, -1, -1));
        }
      }
    }
    // Jitter keeps nodes that started together from re-sending in lock step.
    int jitter = core.random().nextInt(Math.max(1, config.electionResendTicks() / 2));
    resendAtTick = core.now() + config.electionResendTicks() + jitter;
  }

  private void checkQuorum() {
    if (vote == null || finalizeAtTick >= 0) {
      return;
    }
    int agree = 0;
    for (Vote v : received.values()) {
      if (v.equals(vote)) {
        agree++;
      }
    }
    if (agree >= config.quorum()) {
      finalizeAtTick = core.now() + config.finalizeWaitTicks();
      if (config.finalizeWaitTicks() == 0) {
        finalizeAtTick = core.now();
      }
    }
  }

  /** A quorum of voters report {@code leader}, and the leader itself reports LEADING. */
  private boolean establishedLeaderAgreed(long leader) {
    if (leader == config.sid()) {
      return false; // this node is LOOKING, so it is not leading
    }
    Notification fromLeader = outOfElection.get(leader);
    if (fromLeader == null || fromLeader.state() != Role.LEADING) {
      return false;
    }
    int agree = 0;
    for (Notification n : outOfElection.values()) {
      if (n.leader() == leader) {
        agree++;
      }
    }
    return agree >= config.quorum();
  }
}
