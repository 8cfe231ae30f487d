package io.zabtx.replication.transport;

import static io.zabtx.replication.transport.LoopbackCluster.CLUSTER_ID;
import static io.zabtx.replication.transport.LoopbackCluster.address;
import static io.zabtx.replication.transport.RawPeer.batch;
import static io.zabtx.replication.transport.RawPeer.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.CodedOutputStream;
import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Message;
import io.zabtx.replication.transport.proto.Batch;
import io.zabtx.replication.transport.proto.Frame;
import io.zabtx.replication.transport.proto.PeerMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Several queued messages travel in one Batch frame; receivers take batches member by member. */
class BatchFrameTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private final MessageCodec codec = new MessageCodec(TransportConfig.DEFAULT_MAX_MESSAGE_BYTES);

  private static Message ping(long from, long to, long seq) {
    return new Message.Ping(from, to, 7, seq, 0);
  }

  private PeerMessage wirePing(long from, long to, long seq) {
    return codec.encode(ping(from, to, seq));
  }

  private static List<Long> seqs(long n) {
    return LongStream.range(0, n).boxed().toList();
  }

  /**
   * Queues {@code messages} at node 1 while it does not know node 2's address, so that all of them
   * wait when the stream opens; then starts node 2 and returns both, connected.
   */
  private static LoopbackCluster queuedThenConnected(
      UnaryOperator<TransportConfig> tweak, List<Message> messages) {
    LoopbackCluster c = LoopbackCluster.start(tweak, 1);
    GrpcPeerTransport a = c.get(1);
    messages.forEach(a::send);
    assertThat(a.stats().queueDepth(2)).isEqualTo(messages.size());
    GrpcPeerTransport b =
        new GrpcPeerTransport(tweak.apply(TransportConfig.loopback(CLUSTER_ID, 2)));
    Inbox inbox = new Inbox();
    b.start(inbox);
    c.transports.put(2L, b);
    c.inboxes.put(2L, inbox);
    b.setPeerAddress(1, address(a.port()));
    a.setPeerAddress(2, address(b.port()));
    return c;
  }

  @Test
  void aBurstGoesOutInFullBatchesCompleteAndInOrder() {
    int n = 5_000;
    List<Message> burst = LongStream.range(0, n).mapToObj(i -> ping(1, 2, i)).toList();
    try (LoopbackCluster c = queuedThenConnected(cfg -> cfg, burst)) {
      await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) >= n);
      assertThat(c.inbox(2).pingSeqsFrom(1)).isEqualTo(seqs(n));
      TransportStats sent = c.get(1).stats();
      assertThat(sent.messagesSent()).isEqualTo(n);
      // The queue was full when the stream opened: batches of the default 512, and the rest.
      int perFrame = TransportConfig.DEFAULT_MAX_BATCH_MESSAGES;
      assertThat(sent.framesSent()).isEqualTo((n + perFrame - 1) / perFrame);
      TransportStats received = c.get(2).stats();
      assertThat(received.messagesReceived()).isEqualTo(n);
      assertThat(received.droppedMalformed() + received.droppedMisaddressed()).isZero();
    }
  }

  @Test
  void sendAllPutsEachPeersShareOfOneCallIntoOneFrameAndKeepsOrderAcrossCalls() {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2, 3)) {
      GrpcPeerTransport a = c.get(1);
      // Warm both streams up so that the frames counted below are the sendAll's alone.
      a.send(ping(1, 2, 0));
      a.send(ping(1, 3, 0));
      await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) == 1);
      await().atMost(DEADLINE).until(() -> c.inbox(3).countFrom(1) == 1);
      long framesBefore = a.stats().framesSent();

      List<Message> interleaved =
          LongStream.range(1, 101).mapToObj(i -> ping(1, i % 2 == 0 ? 2 : 3, (i + 1) / 2)).toList();
      a.sendAll(interleaved);
      a.send(ping(1, 2, 51)); // a later single send stays behind the batch

      await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) == 52);
      await().atMost(DEADLINE).until(() -> c.inbox(3).countFrom(1) == 51);
      assertThat(c.inbox(2).pingSeqsFrom(1)).isEqualTo(seqs(52));
      assertThat(c.inbox(3).pingSeqsFrom(1)).isEqualTo(seqs(51));
      assertThat(a.stats().framesSent() - framesBefore)
          // Normally 3 (one per peer, one for the single send); an on-ready callback of gRPC
          // draining a link mid-call may split a share. One frame per message would be 101.
          .as("frames for 101 messages")
          .isBetween(3L, 9L);
    }
  }

  @Test
  void theByteLimitBoundsEachBatchAndALargerMessageGoesAlone() {
    byte[] small = new byte[1000];
    byte[] large = new byte[6000]; // over the batch limit, within the message limit
    List<Message> messages =
        LongStream.range(0, 40)
            .mapToObj(
                i ->
                    (Message)
                        new Message.Proposal(1, 2, 7, i, new Entry(i + 1, i == 20 ? large : small)))
            .toList();
    // Room for 4 small messages with their batch framing (none is larger than message 1; message
    // 0 is 2 bytes smaller, as seq 0 is not encoded), but not for a fifth.
    int member =
        CodedOutputStream.computeMessageSize(
            Batch.MESSAGES_FIELD_NUMBER, codec.encode(messages.get(1)));
    int limit = 4 * member + member / 2;
    try (LoopbackCluster c =
        queuedThenConnected(cfg -> cfg.withBatchLimits(512, limit), messages)) {
      await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) >= 40);
      assertThat(c.inbox(2).from(1)).isEqualTo(messages);
      // 0-19 in 5 batches of 4, 20 alone, 21-39 in 4 batches of 4 and one of 3.
      assertThat(c.get(1).stats().framesSent()).isEqualTo(5 + 1 + 5);
      assertThat(c.get(1).stats().messagesSent()).isEqualTo(40);
    }
  }

  @Test
  void batchesFitTheReceiversSizeLimit() {
    // A 1 KiB message limit caps batches at 1 KiB, far below 512 pings; a frame over the
    // receiver's limit would reset the stream and lose messages.
    int n = 5_000;
    List<Message> burst = LongStream.range(0, n).mapToObj(i -> ping(1, 2, i)).toList();
    try (LoopbackCluster c = queuedThenConnected(cfg -> cfg.withMaxMessageBytes(1024), burst)) {
      await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) >= n);
      assertThat(c.inbox(2).pingSeqsFrom(1)).isEqualTo(seqs(n));
      TransportStats s = c.get(1).stats();
      assertThat(s.reconnects()).isZero();
      assertThat(s.framesSent())
          .isGreaterThan((long) n / TransportConfig.DEFAULT_MAX_BATCH_MESSAGES + 1)
          .isLessThan(n);
    }
  }

  @Test
  void oneMessagePerFrameWhenBatchingIsOff() {
    List<Message> burst = LongStream.range(0, 100).mapToObj(i -> ping(1, 2, i)).toList();
    try (LoopbackCluster c =
        queuedThenConnected(cfg -> cfg.withBatchLimits(1, 1024 * 1024), burst)) {
      await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) >= 100);
      assertThat(c.inbox(2).pingSeqsFrom(1)).isEqualTo(seqs(100));
      assertThat(c.get(1).stats().framesSent()).isEqualTo(100);
    }
  }

  @Test
  void aMalformedMemberIsDroppedAloneAndTheOthersArriveInOrder() throws Exception {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2);
        RawPeer peer = new RawPeer(c.get(1).port())) {
      peer.send(hello(CLUSTER_ID, 2, 1));
      peer.accepted.get(20, TimeUnit.SECONDS);
      PeerMessage noBody = PeerMessage.newBuilder().setFrom(2).setTo(1).build();
      peer.send(batch(wirePing(2, 1, 0), wirePing(2, 1, 1), noBody, wirePing(2, 1, 2)))
          .send(wirePing(2, 1, 3)); // a single frame after it: arrives once the batch was handled
      Inbox inbox = c.inbox(1);
      await().atMost(DEADLINE).until(() -> inbox.pingSeqsFrom(2).contains(3L));
      assertThat(inbox.pingSeqsFrom(2)).containsExactly(0L, 1L, 2L, 3L);
      TransportStats s = c.get(1).stats();
      assertThat(s.droppedMalformed()).isEqualTo(1);
      assertThat(s.droppedMisaddressed()).isZero();
      assertThat(s.messagesReceived()).isEqualTo(4);
    }
  }

  @Test
  void misaddressedAndOversizedMembersAreDroppedAlone() throws Exception {
    try (LoopbackCluster c = LoopbackCluster.start(cfg -> cfg.withMaxMessageBytes(1024), 1, 2, 3);
        RawPeer peer = new RawPeer(c.get(1).port())) {
      peer.send(hello(CLUSTER_ID, 2, 1));
      peer.accepted.get(20, TimeUnit.SECONDS);
      // Over the receiver's 1 KiB message limit, inside its frame limit: fails to decode.
      PeerMessage oversized =
          codec.encode(new Message.Proposal(2, 1, 7, 9, new Entry(1, new byte[1500])));
      peer.send(
              batch(
                  wirePing(2, 1, 0),
                  wirePing(3, 1, 100), // forged sender
                  wirePing(2, 1, 1),
                  wirePing(2, 3, 101), // not for this node
                  oversized,
                  wirePing(2, 1, 2)))
          .send(wirePing(2, 1, 3));
      Inbox inbox = c.inbox(1);
      await().atMost(DEADLINE).until(() -> inbox.pingSeqsFrom(2).contains(3L));
      assertThat(inbox.all()).hasSize(4);
      assertThat(inbox.pingSeqsFrom(2)).containsExactly(0L, 1L, 2L, 3L);
      TransportStats s = c.get(1).stats();
      assertThat(s.droppedMisaddressed()).isEqualTo(2);
      assertThat(s.droppedMalformed()).isEqualTo(1);
    }
  }

  @Test
  void anEmptyBatchIsDroppedAndCounted() throws Exception {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2);
        RawPeer peer = new RawPeer(c.get(1).port())) {
      peer.send(hello(CLUSTER_ID, 2, 1));
      peer.accepted.get(20, TimeUnit.SECONDS);
      peer.send(batch()).send(Frame.getDefaultInstance()).send(wirePing(2, 1, 0));
      Inbox inbox = c.inbox(1);
      await().atMost(DEADLINE).until(() -> !inbox.all().isEmpty());
      assertThat(inbox.pingSeqsFrom(2)).containsExactly(0L);
      assertThat(c.get(1).stats().droppedMalformed()).isEqualTo(2); // the empty batch, the frame
      assertThat(peer.closed).isNotDone(); // the stream survives
    }
  }

  @Test
  void batchLimitsAreValidated() {
    TransportConfig cfg = TransportConfig.loopback(CLUSTER_ID, 1);
    assertThat(cfg.maxBatchMessages()).isEqualTo(TransportConfig.DEFAULT_MAX_BATCH_MESSAGES);
    assertThat(cfg.maxBatchBytes()).isEqualTo(TransportConfig.DEFAULT_MAX_BATCH_BYTES);
    assertThatThrownBy(() -> cfg.withBatchLimits(0, 1024))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBatchMessages");
    assertThatThrownBy(() -> cfg.withBatchLimits(512, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBatchBytes");
    assertThatThrownBy(() -> cfg.withMaxMessageBytes(64 * 1024).withBatchLimits(512, 64 * 1024 + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBatchBytes");
    // Lowering the message limit lowers the batch limit with it.
    assertThat(cfg.withMaxMessageBytes(4096).maxBatchBytes()).isEqualTo(4096);
    assertThat(cfg.withBatchLimits(8, 2048).withMaxMessageBytes(4096).maxBatchBytes())
        .isEqualTo(2048);
  }
}
