package io.zabtx.replication.core;

import io.zabtx.replication.core.Message.AckEpoch;

/** The leader's view of one learner's session. Mutable; owned by {@link LeaderRole}. */
final class LearnerSession {

  enum Phase {
    /** FOLLOWERINFO received; the epoch is not decided yet. */
    INFO,
    /** LEADERINFO sent; waiting for ACKEPOCH. */
    AWAIT_EPOCH_ACK,
    /** ACKEPOCH received; waiting for a quorum of them before syncing. */
    AWAIT_SYNC,
    /** Sync payload and NEWLEADER sent; waiting for the NEWLEADER ack. */
    SYNCING,
    /** NEWLEADER acknowledged: in broadcast. */
    ACTIVE
  }

  final long sid;
  final long id;
  final boolean observer;
  final long acceptedEpoch;
  Phase phase = Phase.INFO;
  long sendSeq;
  long recvSeq = 1; // FOLLOWERINFO was message 0
  long lastHeardTick;
  AckEpoch epochAck;

  /** Last zxid sent to the learner (sync target, then proposals or informs). */
  long sentZxid = -1;

  /**
   * The zxid NEWLEADER carried. Kept apart from {@link #sentZxid} because proposals may follow
   * NEWLEADER before its ack arrives (rule 5).
   */
  long newLeaderZxid = -1;

  /** The commit point last sent to the learner (in UPTODATE, COMMIT or PING). */
  long commitSent = -1;

  /** Last zxid the learner acknowledged as durable (voters only). */
  long ackedZxid = -1;

  LearnerSession(long sid, long id, boolean observer, long acceptedEpoch, long now) {
    this.sid = sid;
    this.id = id;
    this.observer = observer;
    this.acceptedEpoch = acceptedEpoch;
    this.lastHeardTick = now;
  }

  /** True once the learner has been sent its sync, so it must see every later proposal. */
  boolean streaming() {
    return phase == Phase.SYNCING || phase == Phase.ACTIVE;
  }
}
