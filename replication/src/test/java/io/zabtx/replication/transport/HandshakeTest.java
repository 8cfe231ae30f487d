package io.zabtx.replication.transport;

import static io.zabtx.replication.transport.LoopbackCluster.CLUSTER_ID;
import static io.zabtx.replication.transport.LoopbackCluster.address;
import static io.zabtx.replication.transport.RawPeer.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.zabtx.replication.core.Message;
import io.zabtx.replication.transport.proto.Frame;
import io.zabtx.replication.transport.proto.PeerMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Streams that fail the handshake deliver nothing; accepted streams deliver only their own. */
class HandshakeTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private final MessageCodec codec = new MessageCodec(TransportConfig.DEFAULT_MAX_MESSAGE_BYTES);

  private PeerMessage ping(long from, long to, long seq) {
    return codec.encode(new Message.Ping(from, to, 7, seq, 0));
  }

  /**
   * Sends a wrong Hello followed by messages, checks the refusal, then proves with a valid stream
   * (a barrier: the server handles frames in order) that none of the messages was delivered.
   */
  private void assertRefused(Frame badHello, long claimedFrom, Status.Code code, String reason)
      throws Exception {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2)) {
      int port = c.get(1).port();
      try (RawPeer bad = new RawPeer(port)) {
        bad.send(badHello).send(ping(claimedFrom, 1, 0)).send(ping(claimedFrom, 1, 1));
        Status status = bad.awaitClosed();
        assertThat(status.getCode()).isEqualTo(code);
        assertThat(status.getDescription()).contains(reason);
        assertThat(bad.accepted).isNotDone();
      }
      try (RawPeer good = new RawPeer(port)) {
        good.send(hello(CLUSTER_ID, 2, 1)).send(ping(2, 1, 99));
        await().atMost(DEADLINE).until(() -> !c.inbox(1).all().isEmpty());
      }
      assertThat(c.inbox(1).pingSeqsFrom(2)).containsExactly(99L);
      assertThat(c.inbox(1).all()).hasSize(1);
      assertThat(c.get(1).stats().handshakesRefused()).isEqualTo(1);
    }
  }

  @Test
  void aWrongClusterIdIsRefused() throws Exception {
    assertRefused(
        hello("other-cluster", 2, 1),
        2,
        Status.Code.FAILED_PRECONDITION,
        "cluster id 'other-cluster' does not match");
  }

  @Test
  void anUnknownSenderIsRefused() throws Exception {
    assertRefused(hello(CLUSTER_ID, 9, 1), 9, Status.Code.PERMISSION_DENIED, "not a member");
  }

  @Test
  void aStreamMeantForAnotherServerIsRefused() throws Exception {
    assertRefused(
        hello(CLUSTER_ID, 2, 3), 2, Status.Code.FAILED_PRECONDITION, "meant for server 3");
  }

  @Test
  void aHelloFromThisNodeItselfIsRefused() throws Exception {
    assertRefused(hello(CLUSTER_ID, 1, 1), 1, Status.Code.PERMISSION_DENIED, "not a member");
  }

  @Test
  void anotherProtocolVersionIsRefused() throws Exception {
    assertRefused(
        hello(CLUSTER_ID, 2, 1, 1), 2, Status.Code.FAILED_PRECONDITION, "protocol version 1");
  }

  @Test
  void aStreamThatDoesNotStartWithHelloIsRefused() throws Exception {
    assertRefused(
        Frame.newBuilder().setMessage(ping(2, 1, 0)).build(),
        2,
        Status.Code.INVALID_ARGUMENT,
        "must be a Hello");
  }

  @Test
  void messagesThatDoNotMatchTheHandshakeAreDropped() throws Exception {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2, 3);
        RawPeer peer = new RawPeer(c.get(1).port())) {
      peer.send(hello(CLUSTER_ID, 2, 1));
      assertThat(peer.accepted.get(20, TimeUnit.SECONDS).getFromSid()).isEqualTo(1);
      peer.send(ping(3, 1, 0)) // forged sender
          .send(ping(2, 3, 1)) // not for this node
          .send(PeerMessage.newBuilder().setFrom(2).setTo(1).build()) // no body
          .send(hello(CLUSTER_ID, 2, 1)) // a second Hello is not a message
          .send(ping(2, 1, 2));
      Inbox inbox = c.inbox(1);
      await().atMost(DEADLINE).until(() -> !inbox.all().isEmpty());
      assertThat(inbox.all()).hasSize(1);
      assertThat(inbox.pingSeqsFrom(2)).containsExactly(2L);
      TransportStats stats = c.get(1).stats();
      assertThat(stats.droppedMisaddressed()).isEqualTo(2);
      assertThat(stats.droppedMalformed()).isEqualTo(2);
      assertThat(stats.messagesReceived()).isEqualTo(1);
    }
  }

  @Test
  void transportsOfDifferentClustersNeverDeliverToEachOther() {
    try (GrpcPeerTransport a = new GrpcPeerTransport(TransportConfig.loopback("blue", 1));
        GrpcPeerTransport b = new GrpcPeerTransport(TransportConfig.loopback("green", 2))) {
      Inbox inbox = new Inbox();
      a.start(m -> {});
      b.start(inbox);
      a.setPeerAddress(2, address(b.port()));
      b.setPeerAddress(1, address(a.port()));
      a.send(new Message.Ping(1, 2, 7, 0, 0));
      await().atMost(DEADLINE).until(() -> b.stats().handshakesRefused() >= 2); // it retries
      assertThat(inbox.all()).isEmpty();
      assertThat(a.stats().queueDepth(2)).isEqualTo(1); // kept: it was never accepted
      assertThat(a.stats().messagesSent()).isZero();
    }
  }

  @Test
  void aSenderRefusedAsUnknownIsAcceptedOnceItBecomesAMember() {
    Inbox inbox = new Inbox();
    try (GrpcPeerTransport a = new GrpcPeerTransport(TransportConfig.loopback(CLUSTER_ID, 1));
        GrpcPeerTransport b = new GrpcPeerTransport(TransportConfig.loopback(CLUSTER_ID, 2))) {
      a.start(m -> {});
      b.start(inbox);
      a.setPeerAddress(2, address(b.port()));
      a.send(new Message.Ping(1, 2, 7, 0, 0));
      await().atMost(DEADLINE).until(() -> b.stats().handshakesRefused() >= 1);
      b.setPeerAddress(1, address(a.port()));
      await().atMost(DEADLINE).until(() -> inbox.countFrom(1) == 1);
    }
  }

  @Test
  void garbageBytesOnThePortDoNotHurt() throws Exception {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2)) {
      int port = c.get(1).port();
      byte[] junk = new byte[64 * 1024];
      new java.util.Random(42).nextBytes(junk);
      for (byte[] payload :
          new byte[][] {
            junk,
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(),
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes()
          }) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          s.setSoTimeout(20_000);
          try {
            s.getOutputStream().write(payload);
            s.getOutputStream().write(junk);
            s.getOutputStream().flush();
            // The server answers (an HTTP/2 GOAWAY or an HTTP/1 error) and closes the connection.
            while (s.getInputStream().read(new byte[4096]) >= 0) {}
          } catch (java.io.IOException expected) {
            // reset by the server: fine
          }
        }
      }
      c.get(2).send(new Message.Ping(2, 1, 7, 0, 0));
      c.get(1).send(new Message.Ping(1, 2, 7, 0, 0));
      await().atMost(DEADLINE).until(() -> c.inbox(1).countFrom(2) == 1);
      await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) == 1);
      assertThat(c.get(1).stats().messagesReceived()).isEqualTo(1);
    }
  }
}
