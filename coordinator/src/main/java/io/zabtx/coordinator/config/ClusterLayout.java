package io.zabtx.coordinator.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated shape of the cluster: this node, every member, the data directory. Built from
 * {@link ClusterProperties} and {@link GrpcProperties}; every mistake stops start-up with one line
 * that says what to fix.
 *
 * @param self this node
 * @param members every node by id, in id order (self included)
 * @param dataDir this node's own data directory ({@code <zabtx.cluster.data-dir>/node-<id>})
 */
public record ClusterLayout(Member self, Map<Long, Member> members, Path dataDir) {

  public ClusterLayout {
    members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
  }

  /**
   * Validates the settings.
   *
   * @param httpPort this node's HTTP port ({@code server.port}), used when the members list does
   *     not say
   * @throws InvalidConfigurationException on duplicate ids or addresses, an own id missing from the
   *     members, a malformed entry, or a data directory that cannot be written
   */
  public static ClusterLayout of(ClusterProperties cluster, GrpcProperties grpc, int httpPort) {
    Map<Long, Member> members = new LinkedHashMap<>();
    List<String> entries = cluster.members() == null ? List.of() : cluster.members();
    if (entries.isEmpty()) {
      members.put(
          cluster.nodeId(),
          new Member(cluster.nodeId(), "127.0.0.1", cluster.peerPort(), grpc.port(), httpPort));
    }
    List<String> seen = new ArrayList<>();
    for (String e : entries) {
      if (e == null || e.isBlank()) {
        continue;
      }
      Member m = Member.parse(e);
      if (members.containsKey(m.id())) {
        throw new InvalidConfigurationException(
            "zabtx.cluster.members lists node id " + m.id() + " twice: ids must be unique");
      }
      for (String addr : List.of(m.host() + ":" + m.peerPort(), m.host() + ":" + m.grpcPort())) {
        if (seen.contains(addr)) {
          throw new InvalidConfigurationException(
              "zabtx.cluster.members uses address " + addr + " twice: every port must differ");
        }
        seen.add(addr);
      }
      members.put(m.id(), m);
    }
    Member self = members.get(cluster.nodeId());
    if (self == null) {
      throw new InvalidConfigurationException(
          "zabtx.cluster.node-id "
              + cluster.nodeId()
              + " is not in zabtx.cluster.members (ids "
              + members.keySet()
              + "): set node-id to this node's own entry");
    }
    if (self.httpPort() == 0 && httpPort > 0) {
      self = new Member(self.id(), self.host(), self.peerPort(), self.grpcPort(), httpPort);
      members.put(self.id(), self);
    }
    Map<Long, Member> sorted = new LinkedHashMap<>();
    members.keySet().stream().sorted().forEach(id -> sorted.put(id, members.get(id)));
    Path dir = cluster.dataDir().resolve("node-" + cluster.nodeId()).toAbsolutePath().normalize();
    checkWritable(dir);
    return new ClusterLayout(self, sorted, dir);
  }

  private static void checkWritable(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new InvalidConfigurationException(
          "zabtx.cluster.data-dir: cannot write to "
              + dir
              + " ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "); point it at a writable directory");
    }
  }

  /** Peer addresses by id, for the ZAB transport. */
  public Map<Long, InetSocketAddress> peerAddresses() {
    Map<Long, InetSocketAddress> m = new LinkedHashMap<>();
    members.forEach(
        (id, mem) -> m.put(id, InetSocketAddress.createUnresolved(mem.host(), mem.peerPort())));
    return m;
  }
}
