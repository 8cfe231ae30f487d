package io.zabtx.replication.transport;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;

/**
 * Transports on loopback ephemeral ports, wired the way a runtime's in-JVM cluster test would:
 * create and start every transport, read their ports, then tell each the others' addresses.
 */
final class LoopbackCluster implements AutoCloseable {
  static final String CLUSTER_ID = "test-cluster";

  final Map<Long, GrpcPeerTransport> transports = new LinkedHashMap<>();
  final Map<Long, Inbox> inboxes = new LinkedHashMap<>();
  final Map<Long, ConcurrentLinkedQueue<Long>> lostReports = new LinkedHashMap<>();

  static LoopbackCluster start(long... sids) {
    return start(c -> c, sids);
  }

  static LoopbackCluster start(UnaryOperator<TransportConfig> tweak, long... sids) {
    LoopbackCluster cluster = new LoopbackCluster();
    for (long sid : sids) {
      GrpcPeerTransport t =
          new GrpcPeerTransport(tweak.apply(TransportConfig.loopback(CLUSTER_ID, sid)));
      Inbox inbox = new Inbox();
      ConcurrentLinkedQueue<Long> lost = new ConcurrentLinkedQueue<>();
      t.start(inbox, lost::add);
      cluster.transports.put(sid, t);
      cluster.inboxes.put(sid, inbox);
      cluster.lostReports.put(sid, lost);
    }
    for (var self : cluster.transports.entrySet()) {
      for (var other : cluster.transports.entrySet()) {
        if (!self.getKey().equals(other.getKey())) {
          self.getValue().setPeerAddress(other.getKey(), address(other.getValue().port()));
        }
      }
    }
    return cluster;
  }

  static InetSocketAddress address(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  GrpcPeerTransport get(long sid) {
    return transports.get(sid);
  }

  Inbox inbox(long sid) {
    return inboxes.get(sid);
  }

  /** The peers {@code sid}'s transport reported lost, in report order. */
  List<Long> lost(long sid) {
    return List.copyOf(lostReports.get(sid));
  }

  @Override
  public void close() {
    transports.values().forEach(GrpcPeerTransport::close);
  }
}
