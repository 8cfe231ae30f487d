package io.zabtx.replication.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Message;
import io.zabtx.replication.core.Role;
import io.zabtx.replication.core.Snapshot;
import io.zabtx.replication.core.Zxid;
import io.zabtx.replication.transport.proto.PeerMessage;
import io.zabtx.replication.transport.proto.Proposal;
import io.zabtx.replication.transport.proto.SyncEntries;
import io.zabtx.replication.transport.proto.SyncMode;
import io.zabtx.replication.transport.proto.SyncStart;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecTest {
  private static final int MAX = TransportConfig.DEFAULT_MAX_MESSAGE_BYTES;
  private final MessageCodec codec = new MessageCodec(MAX);

  static Stream<Message> everyWireMessage() {
    long z = Zxid.make(3, 7);
    List<Entry> entries = List.of(new Entry(z, bytes(10, 1)), new Entry(z + 1, new byte[0]));
    return Stream.of(
        new Message.Notification(1, 2, Role.LOOKING, 4, 3, z, 3),
        new Message.Notification(1, 2, Role.FOLLOWING, 4, 3, z, 3),
        new Message.Notification(1, 2, Role.LEADING, 4, 3, z, 3),
        new Message.Notification(1, 2, Role.OBSERVING, 4, 3, z, 3),
        new Message.FollowerInfo(2, 1, 99, 0, 5, true),
        new Message.AckEpoch(2, 1, 99, 1, true, 4, z, Zxid.make(2, 0)),
        new Message.AckNewLeader(2, 1, 99, 2, 5, z),
        new Message.Ack(2, 1, 99, 3, z),
        new Message.PingReply(2, 1, 99, 4),
        new Message.LeaderInfo(1, 2, 99, 0, 5),
        new Message.SyncStart(1, 2, 99, 1, Message.SyncMode.DIFF, 0, null),
        new Message.SyncStart(1, 2, 99, 1, Message.SyncMode.TRUNC, z, null),
        new Message.SyncStart(
            1, 2, 99, 1, Message.SyncMode.SNAP, 0, new Snapshot(z, bytes(1000, 2))),
        new Message.SyncStart(1, 2, 99, 1, Message.SyncMode.SNAP, 0, Snapshot.EMPTY),
        new Message.SyncEntries(1, 2, 99, 2, entries),
        new Message.SyncEntries(1, 2, 99, 2, List.of()),
        new Message.NewLeader(1, 2, 99, 3, 5, z),
        new Message.UpToDate(1, 2, 99, 4, z),
        new Message.Proposal(1, 2, 99, 5, new Entry(z, bytes(5, 3))),
        new Message.Commit(1, 2, 99, 6, z),
        new Message.Inform(1, 4, 98, 7, entries),
        new Message.Inform(1, 4, 98, 7, List.of()),
        new Message.Ping(1, 2, 99, 8, z),
        new Message.Ping(Long.MAX_VALUE, 1, -1, Long.MAX_VALUE, -1));
  }

  @ParameterizedTest
  @MethodSource("everyWireMessage")
  void everyMessageSurvivesTheRoundTrip(Message m) throws Exception {
    PeerMessage wire = PeerMessage.parseFrom(codec.encode(m).toByteArray());
    // Recursively, because Snapshot compares its array by identity.
    assertThat(codec.decode(wire)).usingRecursiveComparison().isEqualTo(m);
    assertThat(codec.decode(wire)).hasSameClassAs(m).hasToString(m.toString());
  }

  @Test
  void everyMessageTypeOnTheWireIsCovered() {
    long covered = everyWireMessage().map(Object::getClass).distinct().count();
    // Every record except LocalSynced, which never crosses the wire.
    long records =
        Arrays.stream(Message.class.getDeclaredClasses()).filter(Class::isRecord).count() - 1;
    assertThat(covered).isEqualTo(records).isEqualTo(15);
  }

  @Test
  void snapshotBytesAndLargeEntriesSurvive() throws Exception {
    byte[] big = bytes(8 * 1024 * 1024, 4);
    Message snap =
        new Message.SyncStart(1, 2, 9, 1, Message.SyncMode.SNAP, 0, new Snapshot(77, big));
    Message.SyncStart back =
        (Message.SyncStart) codec.decode(PeerMessage.parseFrom(codec.encode(snap).toByteArray()));
    assertThat(back.snapshot().data()).isEqualTo(big);

    Message proposal = new Message.Proposal(1, 2, 9, 2, new Entry(78, big));
    assertThat(codec.decode(PeerMessage.parseFrom(codec.encode(proposal).toByteArray())))
        .isEqualTo(proposal);
  }

  @Test
  void localSyncedNeverCrossesTheWire() {
    assertThatThrownBy(() -> codec.encode(new Message.LocalSynced(1, 1, 2, 3, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LocalSynced");
  }

  @Test
  void aMessageWithoutBodyIsRejected() {
    PeerMessage empty = PeerMessage.newBuilder().setFrom(2).setTo(1).build();
    assertThatThrownBy(() -> codec.decode(empty))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("no body");
  }

  @Test
  void anUnknownRoleIsRejected() {
    PeerMessage pm = codec.encode(new Message.Notification(1, 2, Role.LOOKING, 1, 1, 0, 0));
    PeerMessage unknown =
        pm.toBuilder().setNotification(pm.getNotification().toBuilder().setStateValue(42)).build();
    PeerMessage unspecified =
        pm.toBuilder().setNotification(pm.getNotification().toBuilder().setStateValue(0)).build();
    assertThatThrownBy(() -> codec.decode(unknown)).hasMessageContaining("unknown role value 42");
    assertThatThrownBy(() -> codec.decode(unspecified))
        .hasMessageContaining("unknown role value 0");
  }

  @Test
  void anUnknownSyncModeIsRejected() {
    PeerMessage pm =
        PeerMessage.newBuilder()
            .setSyncStart(SyncStart.newBuilder().setModeValue(9).setSession(1))
            .build();
    assertThatThrownBy(() -> codec.decode(pm))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("unknown sync mode value 9");
  }

  @Test
  void snapshotsComeWithSnapAndOnlyWithSnap() {
    PeerMessage snapWithout =
        PeerMessage.newBuilder()
            .setSyncStart(SyncStart.newBuilder().setMode(SyncMode.SYNC_MODE_SNAP))
            .build();
    PeerMessage diffWith =
        PeerMessage.newBuilder()
            .setSyncStart(
                SyncStart.newBuilder()
                    .setMode(SyncMode.SYNC_MODE_DIFF)
                    .setSnapshot(
                        io.zabtx.replication.transport.proto.Snapshot.newBuilder()
                            .setData(ByteString.EMPTY)))
            .build();
    PeerMessage snapWithoutData =
        PeerMessage.newBuilder()
            .setSyncStart(
                SyncStart.newBuilder()
                    .setMode(SyncMode.SYNC_MODE_SNAP)
                    .setSnapshot(
                        io.zabtx.replication.transport.proto.Snapshot.newBuilder().setZxid(5)))
            .build();
    assertThatThrownBy(() -> codec.decode(snapWithout))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("snapshot comes with SNAP");
    assertThatThrownBy(() -> codec.decode(diffWith))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("snapshot comes with SNAP");
    assertThatThrownBy(() -> codec.decode(snapWithoutData))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("snapshot has no data");
  }

  @Test
  void entriesMustCarryData() {
    PeerMessage proposalWithoutEntry =
        PeerMessage.newBuilder().setProposal(Proposal.newBuilder().setSeq(1)).build();
    PeerMessage proposalWithoutData =
        PeerMessage.newBuilder()
            .setProposal(
                Proposal.newBuilder()
                    .setEntry(io.zabtx.replication.transport.proto.Entry.newBuilder().setZxid(8)))
            .build();
    PeerMessage batchWithoutData =
        PeerMessage.newBuilder()
            .setSyncEntries(
                SyncEntries.newBuilder()
                    .addEntries(
                        io.zabtx.replication.transport.proto.Entry.newBuilder()
                            .setZxid(1)
                            .setData(ByteString.copyFromUtf8("x")))
                    .addEntries(io.zabtx.replication.transport.proto.Entry.newBuilder().setZxid(2)))
            .build();
    assertThatThrownBy(() -> codec.decode(proposalWithoutEntry))
        .hasMessageContaining("PROPOSAL has no entry");
    assertThatThrownBy(() -> codec.decode(proposalWithoutData))
        .hasMessageContaining("PROPOSAL entry 8 has no data");
    assertThatThrownBy(() -> codec.decode(batchWithoutData))
        .hasMessageContaining("SYNC_ENTRIES entry 2 has no data");
  }

  @Test
  void anOversizeMessageIsRejected() throws Exception {
    MessageCodec small = new MessageCodec(1024);
    PeerMessage wire =
        codec.encode(new Message.Proposal(1, 2, 9, 2, new Entry(78, bytes(2000, 5))));
    assertThatThrownBy(() -> small.decode(wire))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("exceeds the limit of 1024 bytes");
    PeerMessage fits = codec.encode(new Message.Proposal(1, 2, 9, 2, new Entry(78, bytes(900, 5))));
    assertThat(small.decode(fits)).isInstanceOf(Message.Proposal.class);
  }

  @Test
  void garbageBytesDoNotParseIntoAMessage() {
    byte[] junk = bytes(4096, 6);
    assertThatThrownBy(() -> codec.decode(PeerMessage.parseFrom(junk)))
        .isInstanceOfAny(
            MalformedMessageException.class,
            com.google.protobuf.InvalidProtocolBufferException.class);
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
