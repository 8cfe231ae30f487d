package io.zabtx.replication.transport;

import static io.zabtx.replication.transport.LoopbackCluster.CLUSTER_ID;
import static io.zabtx.replication.transport.LoopbackCluster.address;
import static io.zabtx.replication.transport.RawPeer.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zabtx.replication.core.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A transport reports at once when an accepted connection with a peer breaks, and only then. */
class PeerLostTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private static Message ping(long from, long to, long seq) {
    return new Message.Ping(from, to, 7, seq, 0);
  }

  @Test
  void theEndOfAPeersStreamToThisNodeReportsItLost() {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2, 3)) {
      // Only 2 -> 1 carries traffic: node 1 learns of the loss from its inbound stream alone.
      c.get(2).send(ping(2, 1, 0));
      await().atMost(DEADLINE).until(() -> c.inbox(1).countFrom(2) == 1);
      assertThat(c.lost(1)).isEmpty();

      c.get(2).close();
      await().atMost(DEADLINE).until(() -> c.lost(1).contains(2L));
      assertThat(c.lost(1)).containsOnly(2L);
      // close() tore down 2's own stream to 1: that is no news about 1.
      assertThat(c.lost(2)).isEmpty();
      assertThat(c.lost(3)).isEmpty(); // never connected with 2
    }
  }

  @Test
  void theEndOfAnAcceptedStreamToAPeerReportsItLost() {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2, 3)) {
      // Only 1 -> 2 carries traffic: node 1 learns of the loss from its outbound stream alone.
      c.get(1).send(ping(1, 2, 0));
      await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) == 1);
      assertThat(c.get(1).stats().connectedPeers()).containsExactly(2L);

      c.get(2).close();
      await().atMost(DEADLINE).until(() -> c.lost(1).contains(2L));
      // Node 3 keeps sending to the closed node 2: its streams are never accepted, so however
      // often they fail, 3 reports nothing.
      c.get(3).send(ping(3, 2, 0));
      await().atMost(DEADLINE).until(() -> c.get(3).stats().reconnects() >= 3);
      assertThat(c.lost(3)).isEmpty();
      assertThat(c.lost(2)).isEmpty(); // its inbound stream from 1 ended by its own close()
      assertThat(c.lost(1)).containsOnly(2L);
    }
  }

  @Test
  void closingOneTransportMakesItsPeersReportItAndReconnectingWorksAfterwards() {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2, 3)) {
      for (long from = 1; from <= 3; from++) {
        for (long to = 1; to <= 3; to++) {
          if (from != to) {
            c.get(from).send(ping(from, to, 0));
          }
        }
      }
      for (long sid = 1; sid <= 3; sid++) {
        long s = sid;
        await().atMost(DEADLINE).until(() -> c.inbox(s).all().size() == 2);
      }
      int port = c.get(3).port();
      c.get(3).close();
      await().atMost(DEADLINE).until(() -> c.lost(1).contains(3L) && c.lost(2).contains(3L));
      assertThat(c.lost(1)).containsOnly(3L);
      assertThat(c.lost(2)).containsOnly(3L);
      assertThat(c.lost(3)).isEmpty();

      // Node 3 comes back: traffic flows again, and its next loss is reported again. Node 1 sends
      // only once its stream to the old 3 is known dead, so the message waits in its queue.
      await().atMost(DEADLINE).until(() -> !c.get(1).stats().connectedPeers().contains(3L));
      Inbox inbox = new Inbox();
      ConcurrentLinkedQueue<Long> lost3 = new ConcurrentLinkedQueue<>();
      TransportConfig cfg =
          TransportConfig.loopback(CLUSTER_ID, 3)
              .withBindPort(port)
              .withPeers(Map.of(1L, address(c.get(1).port()), 2L, address(c.get(2).port())));
      try (GrpcPeerTransport again = new GrpcPeerTransport(cfg)) {
        again.start(inbox, lost3::add);
        again.send(ping(3, 1, 1));
        c.get(1).send(ping(1, 3, 1));
        await().atMost(DEADLINE).until(() -> c.inbox(1).pingSeqsFrom(3).contains(1L));
        await().atMost(DEADLINE).until(() -> inbox.countFrom(1) >= 1);
        int before = c.lost(1).size();
        c.get(1).close();
        await().atMost(DEADLINE).until(() -> lost3.contains(1L));
        assertThat(lost3).containsOnly(1L);
        assertThat(c.lost(1)).hasSize(before); // nothing from 1 about its own close
      }
    }
  }

  @Test
  void aSupersededStreamEndingIsNotALoss() throws Exception {
    try (LoopbackCluster c = LoopbackCluster.start(1, 2);
        RawPeer older = new RawPeer(c.get(1).port())) {
      older.send(hello(CLUSTER_ID, 2, 1));
      older.accepted.get(20, TimeUnit.SECONDS);
      // Streams of one connection: the server handles their frames in the order they were sent.
      RawPeer newer = older.anotherStream();
      newer.send(hello(CLUSTER_ID, 2, 1));
      newer.accepted.get(20, TimeUnit.SECONDS);

      older.cancel(); // superseded by newer: nothing to report
      newer.complete(); // the peer's current stream ends: report
      // A third stream on the same connection is answered only after both ends were handled.
      RawPeer barrier = older.anotherStream();
      barrier.send(hello(CLUSTER_ID, 2, 1));
      barrier.accepted.get(20, TimeUnit.SECONDS);
      assertThat(c.lost(1)).containsExactly(2L);
      assertThat(newer.awaitClosed().isOk()).isTrue(); // the server completed it too
    }
  }

  @Test
  void refusedStreamsAreNeverReported() {
    try (GrpcPeerTransport a = new GrpcPeerTransport(TransportConfig.loopback("blue", 1));
        GrpcPeerTransport b = new GrpcPeerTransport(TransportConfig.loopback("green", 2))) {
      ConcurrentLinkedQueue<Long> lostA = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Long> lostB = new ConcurrentLinkedQueue<>();
      a.start(m -> {}, lostA::add);
      b.start(m -> {}, lostB::add);
      a.setPeerAddress(2, address(b.port()));
      b.setPeerAddress(1, address(a.port()));
      a.send(ping(1, 2, 0));
      b.send(ping(2, 1, 0));
      await()
          .atMost(DEADLINE)
          .until(() -> a.stats().handshakesRefused() >= 3 && b.stats().handshakesRefused() >= 3);
      assertThat(lostA).isEmpty();
      assertThat(lostB).isEmpty();
    }
  }

  @Test
  void aFailingConsumerIsLoggedAndTheTransportCarriesOn() {
    try (LoopbackCluster c = LoopbackCluster.start(2)) {
      ConcurrentLinkedQueue<Long> calls = new ConcurrentLinkedQueue<>();
      Inbox inbox = new Inbox();
      TransportConfig cfg =
          TransportConfig.loopback(CLUSTER_ID, 1).withPeers(Map.of(2L, address(c.get(2).port())));
      try (GrpcPeerTransport a = new GrpcPeerTransport(cfg)) {
        a.start(
            inbox,
            sid -> {
              calls.add(sid);
              throw new IllegalStateException("test: the consumer fails");
            });
        c.get(2).setPeerAddress(1, address(a.port()));
        a.send(ping(1, 2, 0));
        c.get(2).send(ping(2, 1, 0));
        await().atMost(DEADLINE).until(() -> inbox.countFrom(2) == 1);
        await().atMost(DEADLINE).until(() -> c.inbox(2).countFrom(1) == 1);

        int port = c.get(2).port();
        c.get(2).close();
        await().atMost(DEADLINE).until(() -> calls.contains(2L));

        TransportConfig bCfg =
            TransportConfig.loopback(CLUSTER_ID, 2)
                .withBindPort(port)
                .withPeers(Map.of(1L, address(a.port())));
        Inbox bInbox = new Inbox();
        try (GrpcPeerTransport b = new GrpcPeerTransport(bCfg)) {
          b.start(bInbox);
          // Sent until one arrives: messages sent before the link noticed the restart may be lost.
          await()
              .atMost(DEADLINE)
              .until(
                  () -> {
                    a.send(ping(1, 2, 1));
                    return bInbox.countFrom(1) >= 1;
                  });
          assertThat(List.copyOf(calls)).containsOnly(2L);
        }
      }
    }
  }
}
