package io.zabtx.replication.node;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.replication.core.ZabConfig;
import io.zabtx.replication.runtime.ZabNode;
import io.zabtx.replication.runtime.ZabNodeConfig;
import io.zabtx.replication.storage.StorageOptions;
import io.zabtx.replication.transport.GrpcPeerTransport;
import io.zabtx.replication.transport.TransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A runnable replication node with a key-value state machine and a gRPC client API, used by the
 * process-level tests and the benchmark.
 *
 * <pre>
 * java -cp ... io.zabtx.replication.node.ZabServerMain --sid 1 \
 *     --peers 1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003 \
 *     --client-port 8001 --data ./data/node-1 [--observers 4,5] [--cluster-id zabtx] \
 *     [--tick-ms 10] [--snapshot-every 100000] [--no-fsync]
 * </pre>
 *
 * Prints {@code READY sid=<sid> peer=<port> client=<port>} once both ports listen.
 */
public final class ZabServerMain {

  private ZabServerMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, String> opts = parse(args);
    long sid = Long.parseLong(require(opts, "sid"));
    Map<Long, InetSocketAddress> peers = new HashMap<>();
    for (String p : require(opts, "peers").split(",")) {
      String[] kv = p.split("=", 2);
      String[] hp = kv[1].split(":", 2);
      peers.put(
          Long.parseLong(kv[0].trim()), new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
    }
    if (!peers.containsKey(sid)) {
      fail("--peers must contain this node's own address (sid " + sid + ")");
    }
    Set<Long> observers = new TreeSet<>();
    if (opts.containsKey("observers") && !opts.get("observers").isBlank()) {
      for (String o : opts.get("observers").split(",")) {
        observers.add(Long.parseLong(o.trim()));
      }
    }
    Set<Long> voters = new TreeSet<>(peers.keySet());
    voters.removeAll(observers);
    ZabConfig protocol = ZabConfig.of(sid, voters, observers);
    ZabNodeConfig config =
        ZabNodeConfig.of(protocol, Path.of(require(opts, "data")))
            .withTick(Duration.ofMillis(Long.parseLong(opts.getOrDefault("tick-ms", "10"))))
            .withSnapshotEveryEntries(Long.parseLong(opts.getOrDefault("snapshot-every", "100000")))
            .withStorage(StorageOptions.defaults().withFsync(!opts.containsKey("no-fsync")));
    InetSocketAddress self = peers.get(sid);
    TransportConfig tc =
        TransportConfig.of(
            opts.getOrDefault("cluster-id", "zabtx"),
            sid,
            self.getHostString(),
            self.getPort(),
            peers);
    KeyValueStateMachine machine = new KeyValueStateMachine();
    ZabNode node =
        ZabNode.create(config, machine, new GrpcPeerTransport(tc), new SimpleMeterRegistry());
    node.start();
    int clientPort = Integer.parseInt(require(opts, "client-port"));
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(self.getHostString(), clientPort))
            .addService(new ClientService(node, machine))
            // Handlers only enqueue into the node's loop and never block: no executor hop.
            .directExecutor()
            .maxInboundMessageSize(64 << 20)
            .build()
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdownNow();
                  node.close();
                }));
    System.out.println(
        "READY sid=" + sid + " peer=" + node.peerPort() + " client=" + server.getPort());
    System.out.flush();
    server.awaitTermination();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        fail("unexpected argument '" + args[i] + "'");
      }
      String key = args[i].substring(2);
      if (key.equals("no-fsync")) {
        m.put(key, "true");
      } else if (i + 1 < args.length) {
        m.put(key, args[++i]);
      } else {
        fail("--" + key + " needs a value");
      }
    }
    return m;
  }

  private static String require(Map<String, String> opts, String key) {
    String v = opts.get(key);
    if (v == null) {
      fail("missing --" + key + " (see the usage in ZabServerMain's Javadoc)");
    }
    return v;
  }

  private static void fail(String message) {
    System.err.println("zab node: " + message);
    System.exit(2);
  }
}
