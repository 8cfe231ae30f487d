package io.zabtx.replication.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An ensemble of {@link NodeProcess}es on free loopback ports: data directories under {@code
 * dataRoot}, logs under {@code logDir}. Ports are picked by binding port 0 and closing; if a node
 * then finds its port taken (the small race), the whole ensemble is started again on fresh ports,
 * and a restart is retried on the same ports.
 */
final class ProcessCluster implements AutoCloseable {

  static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final int ATTEMPTS = 3;

  private final Path dataRoot;
  private final Path logDir;
  private final int size;
  private final Map<Long, NodeProcess> nodes = new TreeMap<>();

  ProcessCluster(Path dataRoot, Path logDir, int size) {
    this.dataRoot = dataRoot;
    this.logDir = logDir;
    this.size = size;
  }

  /** Starts every node (in parallel) and waits until each printed READY. */
  ProcessCluster start() {
    for (int attempt = 1; ; attempt++) {
      createNodes();
      try {
        nodes.values().forEach(NodeProcess::launch);
        nodes.values().forEach(n -> n.awaitReady(READY_TIMEOUT));
        return this;
      } catch (NodeProcess.NodeStartException e) {
        close();
        if (!e.bindFailure() || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void createNodes() {
    nodes.clear();
    List<Integer> ports = freePorts(2 * size);
    StringBuilder peers = new StringBuilder();
    for (int i = 0; i < size; i++) {
      peers.append(i == 0 ? "" : ",").append(i + 1).append("=127.0.0.1:").append(ports.get(i));
    }
    for (int i = 0; i < size; i++) {
      long sid = i + 1;
      nodes.put(
          sid,
          new NodeProcess(
              sid,
              ports.get(i),
              ports.get(size + i),
              peers.toString(),
              dataRoot.resolve("node-" + sid),
              logDir.resolve("node-" + sid + ".log")));
    }
  }

  private static List<Integer> freePorts(int n) {
    Set<Integer> ports = new HashSet<>();
    List<Integer> list = new ArrayList<>();
    while (list.size() < n) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (ports.add(s.getLocalPort())) {
          list.add(s.getLocalPort());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return list;
  }

  Set<Long> sids() {
    return nodes.keySet();
  }

  /** Client port by sid. */
  Map<Long, Integer> clientPorts() {
    Map<Long, Integer> m = new TreeMap<>();
    nodes.forEach((sid, n) -> m.put(sid, n.clientPort()));
    return m;
  }

  /** SIGKILL of one node. */
  void kill(long sid) {
    nodes.get(sid).kill();
  }

  /** SIGKILL of every node at once (signals first, then waits for each to be gone). */
  void killAll() {
    nodes.values().forEach(NodeProcess::sigkill);
    nodes.values().forEach(NodeProcess::kill);
  }

  /** Starts a killed node again on its ports and data directory and waits for READY. */
  void restart(long sid) {
    for (int attempt = 1; ; attempt++) {
      try {
        nodes.get(sid).start(READY_TIMEOUT);
        return;
      } catch (NodeProcess.NodeStartException e) {
        if (!e.bindFailure() || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** Restarts several killed nodes in parallel. */
  void restartAll(Set<Long> sids) {
    sids.forEach(sid -> nodes.get(sid).launch());
    for (long sid : sids) {
      try {
        nodes.get(sid).awaitReady(READY_TIMEOUT);
      } catch (NodeProcess.NodeStartException e) {
        if (!e.bindFailure()) {
          throw e;
        }
        restart(sid);
      }
    }
  }

  /** The tail of every node's log, for a failed test. */
  String logTails(int lines) {
    StringBuilder b = new StringBuilder();
    for (NodeProcess n : nodes.values()) {
      b.append("---- ").append(n.log()).append(" (last ").append(lines).append(" lines)\n");
      b.append(n.tail(lines)).append('\n');
    }
    return b.toString();
  }

  @Override
  public void close() {
    nodes.values().forEach(NodeProcess::kill);
  }
}
