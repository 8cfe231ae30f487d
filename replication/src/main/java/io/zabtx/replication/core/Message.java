package io.zabtx.replication.core;

import java.util.List;
import java.util.Objects;

/**
 * Every message one ZAB node sends another. Messages are immutable values; the transport serializes
 * them and the core validates everything it receives, because a peer may be stale, buggy or
 * hostile.
 *
 * <p>Records reject null fields when built, so a transport that decodes a malformed message fails
 * there, at the edge, and drops it.
 *
 * <p>Election messages ({@link Notification}) are stateless exchanges of votes. Everything else
 * belongs to a leader–learner <em>session</em>: the learner picks a random session id when it
 * starts following, and each side numbers the messages it sends in that session from 0. A receiver
 * that sees a gap in the numbering ends the session, which turns any silent loss (a broken
 * connection, a message delivered across a reconnect) into a clean restart of the session instead
 * of a corrupted log.
 */
public sealed interface Message {

  /** Server id of the sender. */
  long from();

  /** Server id of the receiver. */
  long to();

  /**
   * A vote in fast leader election, also used by non-LOOKING nodes to tell a LOOKING node whom they
   * follow.
   *
   * @param state the sender's role
   * @param round the sender's election round (logical clock)
   * @param leader the proposed (or followed) leader
   * @param zxid the proposed leader's last zxid
   * @param peerEpoch the proposed leader's current epoch
   */
  record Notification(
      long from, long to, Role state, long round, long leader, long zxid, long peerEpoch)
      implements Message {
    public Notification {
      Objects.requireNonNull(state, "state");
    }
  }

  /** A message within a leader–learner session. */
  sealed interface SessionMessage extends Message {
    /** The learner-chosen id of the session. */
    long session();

    /** Position of this message among those its sender sent in the session, from 0. */
    long seq();
  }

  // ---- learner -> leader ----

  /** Opens a session: the learner's promise state (FOLLOWERINFO). */
  record FollowerInfo(
      long from, long to, long session, long seq, long acceptedEpoch, boolean observer)
      implements SessionMessage {}

  /**
   * The learner accepted the proposed epoch (ACKEPOCH) and reports its history. {@code fresh} is
   * false when the learner had already accepted this very epoch earlier: it may then sync, but it
   * must not count towards the quorum that establishes the epoch.
   */
  record AckEpoch(
      long from,
      long to,
      long session,
      long seq,
      boolean fresh,
      long currentEpoch,
      long lastZxid,
      long snapshotZxid)
      implements SessionMessage {}

  /** The synced history and the new current epoch are durable on the learner. */
  record AckNewLeader(long from, long to, long session, long seq, long epoch, long zxid)
      implements SessionMessage {}

  /** Every proposal up to {@code zxid} is durable on the learner. */
  record Ack(long from, long to, long session, long seq, long zxid) implements SessionMessage {}

  /** Answer to a {@link Ping}; keeps the leader's quorum check alive. */
  record PingReply(long from, long to, long session, long seq) implements SessionMessage {}

  // ---- leader -> learner ----

  /** The epoch the prospective leader proposes (LEADERINFO / NEWEPOCH). */
  record LeaderInfo(long from, long to, long session, long seq, long epoch)
      implements SessionMessage {}

  /** How the learner's log is brought in line with the leader's. */
  enum SyncMode {
    /** The learner's log is a prefix of the leader's: send what follows. */
    DIFF,
    /** The learner has a suffix the leader lacks, within one epoch: cut it, then send the rest. */
    TRUNC,
    /** Replace the learner's state with the leader's snapshot, then send what follows it. */
    SNAP
  }

  /**
   * First message of a sync. {@code truncZxid} is the cut point for TRUNC; {@code snapshot} is
   * non-null only for SNAP.
   */
  record SyncStart(
      long from, long to, long session, long seq, SyncMode mode, long truncZxid, Snapshot snapshot)
      implements SessionMessage {
    public SyncStart {
      Objects.requireNonNull(mode, "mode");
      if ((mode == SyncMode.SNAP) != (snapshot != null)) {
        throw new IllegalArgumentException("a snapshot comes with SNAP and only with SNAP");
      }
    }
  }

  /** A batch of history entries within a sync, in zxid order. */
  record SyncEntries(long from, long to, long session, long seq, List<Entry> entries)
      implements SessionMessage {
    public SyncEntries {
      entries = List.copyOf(entries); // rejects null elements
    }
  }

  /** End of the sync payload; {@code zxid} is the last zxid it carried (NEWLEADER). */
  record NewLeader(long from, long to, long session, long seq, long epoch, long zxid)
      implements SessionMessage {}

  /** The learner may serve: everything up to {@code commitZxid} is committed (UPTODATE). */
  record UpToDate(long from, long to, long session, long seq, long commitZxid)
      implements SessionMessage {}

  /** A new entry of the current epoch (PROPOSAL). */
  record Proposal(long from, long to, long session, long seq, Entry entry)
      implements SessionMessage {
    public Proposal {
      Objects.requireNonNull(entry, "entry");
    }
  }

  /** Everything up to {@code zxid} is committed (COMMIT; cumulative). */
  record Commit(long from, long to, long session, long seq, long zxid) implements SessionMessage {}

  /** Committed entries for an observer, in zxid order (INFORM). */
  record Inform(long from, long to, long session, long seq, List<Entry> entries)
      implements SessionMessage {
    public Inform {
      entries = List.copyOf(entries);
    }
  }

  /** Heartbeat; carries the commit point so an idle learner still learns it. */
  record Ping(long from, long to, long session, long seq, long commitZxid)
      implements SessionMessage {}

  // ---- node -> itself ----

  /**
   * A node's note to itself, sent with {@link Output.Send#afterSync()} so that it arrives only once
   * everything persisted before it is durable. The leader uses it to count its own ack and its own
   * NEWLEADER ack only after its own fsync.
   *
   * @param term the leadership term that asked for it; stale notes are ignored
   * @param zxid the last zxid that is now durable
   * @param newLeader true when this confirms the leader's own current epoch write
   */
  record LocalSynced(long from, long to, long term, long zxid, boolean newLeader)
      implements Message {}
}
