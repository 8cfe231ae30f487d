package io.zabtx.replication.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Message;
import io.zabtx.replication.core.Role;
import io.zabtx.replication.core.Snapshot;
import io.zabtx.replication.transport.proto.PeerMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates between the core's {@link Message} records and their wire form {@link PeerMessage}.
 *
 * <p>Encoding is total over every message that crosses the wire; {@link Message.LocalSynced} is a
 * node's note to itself and is refused. Decoding is strict: a peer may be stale, buggy or hostile,
 * so a missing body, entry, snapshot or payload, an unknown enum value, or a message larger than
 * {@code maxMessageBytes} is a {@link MalformedMessageException} naming what was wrong. Absent
 * proto3 scalars read as 0, which the core validates like any other value.
 *
 * <p>Encoding shares payload arrays instead of copying them (entries and snapshots own arrays that
 * nobody modifies); decoding copies each payload out of the wire buffer into an array of its own.
 */
final class MessageCodec {

  private final int maxMessageBytes;

  MessageCodec(int maxMessageBytes) {
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
    }
    this.maxMessageBytes = maxMessageBytes;
  }

  int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * The wire form of {@code m}.
   *
   * @throws IllegalArgumentException for {@link Message.LocalSynced}, which never leaves its node
   */
  PeerMessage encode(Message m) {
    PeerMessage.Builder b = PeerMessage.newBuilder().setFrom(m.from()).setTo(m.to());
    if (m instanceof Message.Notification n) {
      b.setNotification(
          io.zabtx.replication.transport.proto.Notification.newBuilder()
              .setState(encodeRole(n.state()))
              .setRound(n.round())
              .setLeader(n.leader())
              .setZxid(n.zxid())
              .setPeerEpoch(n.peerEpoch()));
    } else if (m instanceof Message.FollowerInfo f) {
      b.setFollowerInfo(
          io.zabtx.replication.transport.proto.FollowerInfo.newBuilder()
              .setSession(f.session())
              .setSeq(f.seq())
              .setAcceptedEpoch(f.acceptedEpoch())
              .setObserver(f.observer()));
    } else if (m instanceof Message.AckEpoch a) {
      b.setAckEpoch(
          io.zabtx.replication.transport.proto.AckEpoch.newBuilder()
              .setSession(a.session())
              .setSeq(a.seq())
              .setFresh(a.fresh())
              .setCurrentEpoch(a.currentEpoch())
              .setLastZxid(a.lastZxid())
              .setSnapshotZxid(a.snapshotZxid()));
    } else if (m instanceof Message.AckNewLeader a) {
      b.setAckNewLeader(
          io.zabtx.replication.transport.proto.AckNewLeader.newBuilder()
              .setSession(a.session())
              .setSeq(a.seq())
              .setEpoch(a.epoch())
              .setZxid(a.zxid()));
    } else if (m instanceof Message.Ack a) {
      b.setAck(
          io.zabtx.replication.transport.proto.Ack.newBuilder()
              .setSession(a.session())
              .setSeq(a.seq())
              .setZxid(a.zxid()));
    } else if (m instanceof Message.PingReply p) {
      b.setPingReply(
          io.zabtx.replication.transport.proto.PingReply.newBuilder()
              .setSession(p.session())
              .setSeq(p.seq()));
    } else if (m instanceof Message.LeaderInfo l) {
      b.setLeaderInfo(
          io.zabtx.replication.transport.proto.LeaderInfo.newBuilder()
              .setSession(l.session())
              .setSeq(l.seq())
              .setEpoch(l.epoch()));
    } else if (m instanceof Message.SyncStart s) {
      var sb =
          io.zabtx.replication.transport.proto.SyncStart.newBuilder()
              .setSession(s.session())
              .setSeq(s.seq())
              .setMode(encodeMode(s.mode()))
              .setTruncZxid(s.truncZxid());
      if (s.snapshot() != null) {
        sb.setSnapshot(
            io.zabtx.replication.transport.proto.Snapshot.newBuilder()
                .setZxid(s.snapshot().zxid())
                .setData(wrap(s.snapshot().data())));
      }
      b.setSyncStart(sb);
    } else if (m instanceof Message.SyncEntries s) {
      b.setSyncEntries(
          io.zabtx.replication.transport.proto.SyncEntries.newBuilder()
              .setSession(s.session())
              .setSeq(s.seq())
              .addAllEntries(encodeEntries(s.entries())));
    } else if (m instanceof Message.NewLeader n) {
      b.setNewLeader(
          io.zabtx.replication.transport.proto.NewLeader.newBuilder()
              .setSession(n.session())
              .setSeq(n.seq())
              .setEpoch(n.epoch())
              .setZxid(n.zxid()));
    } else if (m instanceof Message.UpToDate u) {
      b.setUpToDate(
          io.zabtx.replication.transport.proto.UpToDate.newBuilder()
              .setSession(u.session())
              .setSeq(u.seq())
              .setCommitZxid(u.commitZxid()));
    } else if (m instanceof Message.Proposal p) {
      b.setProposal(
          io.zabtx.replication.transport.proto.Proposal.newBuilder()
              .setSession(p.session())
              .setSeq(p.seq())
              .setEntry(encodeEntry(p.entry())));
    } else if (m instanceof Message.Commit c) {
      b.setCommit(
          io.zabtx.replication.transport.proto.Commit.newBuilder()
              .setSession(c.session())
              .setSeq(c.seq())
              .setZxid(c.zxid()));
    } else if (m instanceof Message.Inform i) {
      b.setInform(
          io.zabtx.replication.transport.proto.Inform.newBuilder()
              .setSession(i.session())
              .setSeq(i.seq())
              .addAllEntries(encodeEntries(i.entries())));
    } else if (m instanceof Message.Ping p) {
      b.setPing(
          io.zabtx.replication.transport.proto.Ping.newBuilder()
              .setSession(p.session())
              .setSeq(p.seq())
              .setCommitZxid(p.commitZxid()));
    } else if (m instanceof Message.LocalSynced l) {
      throw new IllegalArgumentException(
          "LocalSynced is a node's note to itself and never crosses the wire: " + l);
    } else {
      throw new IllegalArgumentException("no wire form for " + m);
    }
    return b.build();
  }

  /**
   * The message {@code pm} stands for.
   *
   * @throws MalformedMessageException if {@code pm} is too large, has no body, lacks a required
   *     field or carries an unknown enum value
   */
  Message decode(PeerMessage pm) throws MalformedMessageException {
    int size = pm.getSerializedSize();
    if (size > maxMessageBytes) {
      throw new MalformedMessageException(
          "message of " + size + " bytes exceeds the limit of " + maxMessageBytes + " bytes");
    }
    try {
      return decodeBody(pm);
    } catch (IllegalArgumentException | NullPointerException e) {
      // A record constructor refused the values (e.g. a SNAP without a snapshot).
      throw new MalformedMessageException(
          pm.getBodyCase() + " from " + pm.getFrom() + ": " + e.getMessage(), e);
    }
  }

  private static Message decodeBody(PeerMessage pm) throws MalformedMessageException {
    long from = pm.getFrom();
    long to = pm.getTo();
    return switch (pm.getBodyCase()) {
      case NOTIFICATION -> {
        var n = pm.getNotification();
        yield new Message.Notification(
            from,
            to,
            decodeRole(n.getState(), n.getStateValue()),
            n.getRound(),
            n.getLeader(),
            n.getZxid(),
            n.getPeerEpoch());
      }
      case FOLLOWER_INFO -> {
        var f = pm.getFollowerInfo();
        yield new Message.FollowerInfo(
            from, to, f.getSession(), f.getSeq(), f.getAcceptedEpoch(), f.getObserver());
      }
      case ACK_EPOCH -> {
        var a = pm.getAckEpoch();
        yield new Message.AckEpoch(
            from,
            to,
            a.getSession(),
            a.getSeq(),
            a.getFresh(),
            a.getCurrentEpoch(),
            a.getLastZxid(),
            a.getSnapshotZxid());
      }
      case ACK_NEW_LEADER -> {
        var a = pm.getAckNewLeader();
        yield new Message.AckNewLeader(
            from, to, a.getSession(), a.getSeq(), a.getEpoch(), a.getZxid());
      }
      case ACK -> {
        var a = pm.getAck();
        yield new Message.Ack(from, to, a.getSession(), a.getSeq(), a.getZxid());
      }
      case PING_REPLY -> {
        var p = pm.getPingReply();
        yield new Message.PingReply(from, to, p.getSession(), p.getSeq());
      }
      case LEADER_INFO -> {
        var l = pm.getLeaderInfo();
        yield new Message.LeaderInfo(from, to, l.getSession(), l.getSeq(), l.getEpoch());
      }
      case SYNC_START -> {
        var s = pm.getSyncStart();
        Snapshot snapshot = null;
        if (s.hasSnapshot()) {
          var ps = s.getSnapshot();
          if (!ps.hasData()) {
            throw new MalformedMessageException("SYNC_START snapshot has no data");
          }
          snapshot = new Snapshot(ps.getZxid(), ps.getData().toByteArray());
        }
        yield new Message.SyncStart(
            from,
            to,
            s.getSession(),
            s.getSeq(),
            decodeMode(s.getMode(), s.getModeValue()),
            s.getTruncZxid(),
            snapshot);
      }
      case SYNC_ENTRIES -> {
        var s = pm.getSyncEntries();
        yield new Message.SyncEntries(
            from,
            to,
            s.getSession(),
            s.getSeq(),
            decodeEntries("SYNC_ENTRIES", s.getEntriesList()));
      }
      case NEW_LEADER -> {
        var n = pm.getNewLeader();
        yield new Message.NewLeader(
            from, to, n.getSession(), n.getSeq(), n.getEpoch(), n.getZxid());
      }
      case UP_TO_DATE -> {
        var u = pm.getUpToDate();
        yield new Message.UpToDate(from, to, u.getSession(), u.getSeq(), u.getCommitZxid());
      }
      case PROPOSAL -> {
        var p = pm.getProposal();
        if (!p.hasEntry()) {
          throw new MalformedMessageException("PROPOSAL has no entry");
        }
        yield new Message.Proposal(
            from, to, p.getSession(), p.getSeq(), decodeEntry("PROPOSAL", p.getEntry()));
      }
      case COMMIT -> {
        var c = pm.getCommit();
        yield new Message.Commit(from, to, c.getSession(), c.getSeq(), c.getZxid());
      }
      case INFORM -> {
        var i = pm.getInform();
        yield new Message.Inform(
            from, to, i.getSession(), i.getSeq(), decodeEntries("INFORM", i.getEntriesList()));
      }
      case PING -> {
        var p = pm.getPing();
        yield new Message.Ping(from, to, p.getSession(), p.getSeq(), p.getCommitZxid());
      }
      case BODY_NOT_SET ->
          throw new MalformedMessageException(
              "message from " + from + " has no body (unknown message type or empty frame)");
    };
  }

  private static io.zabtx.replication.transport.proto.Role encodeRole(Role role) {
    return switch (role) {
      case LOOKING -> io.zabtx.replication.transport.proto.Role.ROLE_LOOKING;
      case FOLLOWING -> io.zabtx.replication.transport.proto.Role.ROLE_FOLLOWING;
      case LEADING -> io.zabtx.replication.transport.proto.Role.ROLE_LEADING;
      case OBSERVING -> io.zabtx.replication.transport.proto.Role.ROLE_OBSERVING;
    };
  }

  private static Role decodeRole(io.zabtx.replication.transport.proto.Role role, int raw)
      throws MalformedMessageException {
    return switch (role) {
      case ROLE_LOOKING -> Role.LOOKING;
      case ROLE_FOLLOWING -> Role.FOLLOWING;
      case ROLE_LEADING -> Role.LEADING;
      case ROLE_OBSERVING -> Role.OBSERVING;
      case ROLE_UNSPECIFIED, UNRECOGNIZED ->
          throw new MalformedMessageException("NOTIFICATION has an unknown role value " + raw);
    };
  }

  private static io.zabtx.replication.transport.proto.SyncMode encodeMode(Message.SyncMode mode) {
    return switch (mode) {
      case DIFF -> io.zabtx.replication.transport.proto.SyncMode.SYNC_MODE_DIFF;
      case TRUNC -> io.zabtx.replication.transport.proto.SyncMode.SYNC_MODE_TRUNC;
      case SNAP -> io.zabtx.replication.transport.proto.SyncMode.SYNC_MODE_SNAP;
    };
  }

  private static Message.SyncMode decodeMode(
      io.zabtx.replication.transport.proto.SyncMode mode, int raw)
      throws MalformedMessageException {
    return switch (mode) {
      case SYNC_MODE_DIFF -> Message.SyncMode.DIFF;
      case SYNC_MODE_TRUNC -> Message.SyncMode.TRUNC;
      case SYNC_MODE_SNAP -> Message.SyncMode.SNAP;
      case SYNC_MODE_UNSPECIFIED, UNRECOGNIZED ->
          throw new MalformedMessageException("SYNC_START has an unknown sync mode value " + raw);
    };
  }

  private static List<io.zabtx.replication.transport.proto.Entry> encodeEntries(
      List<Entry> entries) {
    List<io.zabtx.replication.transport.proto.Entry> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(encodeEntry(e));
    }
    return out;
  }

  private static io.zabtx.replication.transport.proto.Entry encodeEntry(Entry e) {
    return io.zabtx.replication.transport.proto.Entry.newBuilder()
        .setZxid(e.zxid())
        .setData(wrap(e.data()))
        .build();
  }

  private static List<Entry> decodeEntries(
      String what, List<io.zabtx.replication.transport.proto.Entry> entries)
      throws MalformedMessageException {
    List<Entry> out = new ArrayList<>(entries.size());
    for (var e : entries) {
      out.add(decodeEntry(what, e));
    }
    return out;
  }

  private static Entry decodeEntry(String what, io.zabtx.replication.transport.proto.Entry e)
      throws MalformedMessageException {
    if (!e.hasData()) {
      throw new MalformedMessageException(what + " entry " + e.getZxid() + " has no data");
    }
    return new Entry(e.getZxid(), e.getData().toByteArray());
  }

  /** Entries and snapshots own immutable arrays, so the wire form may share them. */
  private static ByteString wrap(byte[] data) {
    return UnsafeByteOperations.unsafeWrap(data);
  }
}
