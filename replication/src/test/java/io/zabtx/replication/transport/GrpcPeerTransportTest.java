package io.zabtx.replication.transport;

import static io.zabtx.replication.transport.LoopbackCluster.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class GrpcPeerTransportTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private static Message ping(long from, long to, long seq) {
    return new Message.Ping(from, to, 7, seq, 0);
  }

  private static List<Long> seqs(long n) {
    return LongStream.range(0, n).boxed().toList();
  }

  @Test
  void threeNodesExchangeMessagesInOrderPerPair() throws Exception {
    int n = 10_000;
    try (LoopbackCluster c = LoopbackCluster.start(1, 2, 3)) {
      List<Thread> senders = new ArrayList<>();
      for (long from : List.of(1L, 2L, 3L)) {
        Thread t =
            new Thread(
                () -> {
                  for (int i = 0; i < n; i++) {
                    for (long to = 1; to <= 3; to++) {
                      if (to != from) {
                        c.get(from).send(ping(from, to, i));
                      }
                    }
                  }
                });
        senders.add(t);
        t.start();
      }
      for (Thread t : senders) {
        t.join();
      }
      for (long to = 1; to <= 3; to++) {
        for (long from = 1; from <= 3; from++) {
          if (from == to) {
            continue;
          }
          long f = from;
          Inbox inbox = c.inbox(to);
          await().atMost(DEADLINE).until(() -> inbox.countFrom(f) >= n);
          assertThat(inbox.pingSeqsFrom(from)).as("%d -> %d", from, to).isEqualTo(seqs(n));
        }
      }
      for (GrpcPeerTransport t : c.transports.values()) {
        TransportStats s = t.stats();
        assertThat(s.messagesSent()).isEqualTo(2L * n);
        assertThat(s.messagesReceived()).isEqualTo(2L * n);
        assertThat(s.framesSent()).isBetween(1L, s.messagesSent()); // batches when queues build
        assertThat(s.droppedQueueFull() + s.droppedMalformed() + s.droppedMisaddressed()).isZero();
        assertThat(s.handshakesRefused()).isZero();
      }
    }
  }

  @Test
  void aPeerThatStartsLaterGetsTheQueuedMessages() {
    // Learn a free port by binding one, then release it: the peer will come up there later.
    GrpcPeerTransport first = new GrpcPeerTransport(TransportConfig.loopback("c", 2));
    first.start(m -> {});
    int port = first.port();
    first.close();

    try (GrpcPeerTransport a = new GrpcPeerTransport(TransportConfig.loopback("c", 1))) {
      a.start(m -> {});
      a.setPeerAddress(2, address(port));
      for (int i = 0; i < 100; i++) {
        a.send(ping(1, 2, i));
      }
      await().atMost(DEADLINE).until(() -> a.stats().reconnects() >= 2); // it keeps trying
      assertThat(a.stats().queueDepth(2)).isEqualTo(100);

      Inbox inbox = new Inbox();
      TransportConfig bConfig =
          TransportConfig.loopback("c", 2)
              .withBindPort(port)
              .withPeers(Map.of(1L, address(a.port())));
      try (GrpcPeerTransport b = new GrpcPeerTransport(bConfig)) {
        b.start(inbox);
        await().atMost(DEADLINE).until(() -> inbox.countFrom(1) >= 100);
        assertThat(inbox.pingSeqsFrom(1)).isEqualTo(seqs(100));
        assertThat(a.stats().queueDepth(2)).isZero();
        assertThat(a.stats().connectedPeers()).containsExactly(2L);
      }
    }
  }

  @Test
  void aPeerThatRestartsGetsLaterMessages() {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2)) {
      GrpcPeerTransport a = c.get(1);
      a.send(ping(1, 2, 0));
      await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) == 1);
      int port = c.get(2).port();
      c.get(2).close();
      await().atMost(DEADLINE).until(() -> a.stats().reconnects() >= 1);

      Inbox inbox = new Inbox();
      TransportConfig bConfig =
          TransportConfig.loopback(LoopbackCluster.CLUSTER_ID, 2)
              .withBindPort(port)
              .withPeers(Map.of(1L, address(a.port())));
      try (GrpcPeerTransport b = new GrpcPeerTransport(bConfig)) {
        b.start(inbox);
        for (int i = 1; i <= 50; i++) {
          a.send(ping(1, 2, i));
        }
        // Messages sent while the old stream was still thought open may be lost; the ones sent
        // after the reconnect arrive in order.
        await().atMost(DEADLINE).until(() -> inbox.pingSeqsFrom(1).contains(50L));
        List<Long> got = inbox.pingSeqsFrom(1);
        assertThat(got).isSorted().doesNotHaveDuplicates();
      }
    }
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() {
    try (LoopbackCluster c = LoopbackCluster.start(cfg -> cfg.withSendQueueLimit(100), 1);
        GrpcPeerTransport b = new GrpcPeerTransport(TransportConfig.loopback("test-cluster", 2))) {
      GrpcPeerTransport a = c.get(1);
      // Peer 2 has no address yet, so nothing drains.
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () -> {
            for (int i = 0; i < 1_000; i++) {
              a.send(ping(1, 2, i));
            }
          });
      assertThat(a.stats().droppedQueueFull()).isEqualTo(900);
      assertThat(a.stats().queueDepth(2)).isEqualTo(100);

      Inbox inbox = new Inbox();
      b.start(inbox);
      b.setPeerAddress(1, address(a.port()));
      a.setPeerAddress(2, address(b.port()));
      await().atMost(DEADLINE).until(() -> inbox.countFrom(1) >= 100);
      assertThat(inbox.pingSeqsFrom(1)).isEqualTo(seqs(100)); // the oldest were kept, in order
    }
  }

  @Test
  void aMessageOverTheSizeLimitIsDroppedAndCounted() {
    try (LoopbackCluster c = LoopbackCluster.start(cfg -> cfg.withMaxMessageBytes(1024), 1, 2)) {
      c.get(1).send(new Message.Proposal(1, 2, 7, 0, new Entry(1, new byte[2000])));
      c.get(1).send(new Message.Proposal(1, 2, 7, 1, new Entry(2, new byte[500])));
      await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) == 1);
      assertThat(((Message.Proposal) c.inbox(2).all().get(0)).seq()).isEqualTo(1);
      assertThat(c.get(1).stats().droppedTooLarge()).isEqualTo(1);
    }
  }

  @Test
  void aMessageOverTheReceiversLimitBreaksOnlyThatStream() {
    try (LoopbackCluster c = LoopbackCluster.start(1);
        GrpcPeerTransport b =
            new GrpcPeerTransport(
                TransportConfig.loopback(LoopbackCluster.CLUSTER_ID, 2)
                    .withMaxMessageBytes(1024))) {
      Inbox inbox = new Inbox();
      b.start(inbox);
      GrpcPeerTransport a = c.get(1);
      b.setPeerAddress(1, address(a.port()));
      a.setPeerAddress(2, address(b.port()));

      a.send(new Message.Proposal(1, 2, 7, 0, new Entry(1, new byte[100_000])));
      await().atMost(DEADLINE).until(() -> a.stats().reconnects() >= 1);
      await().atMost(DEADLINE).until(() -> a.stats().connectedPeers().contains(2L));
      a.send(ping(1, 2, 1));
      await().atMost(DEADLINE).until(() -> inbox.countFrom(1) == 1);
      assertThat(inbox.pingSeqsFrom(1)).containsExactly(1L);
    }
  }

  @Test
  void closeReleasesThePort() {
    GrpcPeerTransport a = new GrpcPeerTransport(TransportConfig.loopback("c", 1));
    a.start(m -> {});
    int port = a.port();
    a.close();
    a.close(); // idempotent
    a.send(ping(1, 2, 0)); // dropped silently after close

    try (GrpcPeerTransport again =
        new GrpcPeerTransport(TransportConfig.loopback("c", 1).withBindPort(port))) {
      again.start(m -> {});
      assertThat(again.port()).isEqualTo(port);
    }
  }

  @Test
  void aBusyPortIsReportedClearly() {
    try (LoopbackCluster c = LoopbackCluster.start(1)) {
      GrpcPeerTransport clash =
          new GrpcPeerTransport(TransportConfig.loopback("c", 2).withBindPort(c.get(1).port()));
      assertThatThrownBy(() -> clash.start(m -> {}))
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + c.get(1).port());
      clash.close();
    }
  }

  @Test
  void programmingErrorsAreRefusedAtSend() {
    try (LoopbackCluster c = LoopbackCluster.start(1)) {
      GrpcPeerTransport a = c.get(1);
      assertThatThrownBy(() -> a.send(new Message.LocalSynced(1, 1, 0, 0, false)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> a.send(ping(1, 1, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("node itself");
      assertThatThrownBy(() -> a.send(ping(2, 3, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot send a message from 2");
    }
    GrpcPeerTransport notStarted = new GrpcPeerTransport(TransportConfig.loopback("c", 1));
    assertThatThrownBy(() -> notStarted.send(ping(1, 2, 0)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(notStarted::port).isInstanceOf(IllegalStateException.class);
  }
}
