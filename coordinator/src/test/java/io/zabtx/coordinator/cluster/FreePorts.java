package io.zabtx.coordinator.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for test nodes that must keep their ports across restarts. They are drawn
 * below Linux's ephemeral range (32768-60999): a port handed out by bind-to-0 can be taken a moment
 * later by some client connection's ephemeral port, which made a restarted node fail to bind.
 */
public final class FreePorts {

  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;
  private static final Set<Integer> GIVEN = new HashSet<>();

  private FreePorts() {}

  /** A port that was free on 127.0.0.1 just now and that this JVM has not handed out before. */
  public static synchronized int next() {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (GIVEN.contains(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        GIVEN.add(port);
        return port;
      } catch (IOException inUse) {
        // try another
      }
    }
    throw new IllegalStateException("no free port in " + LOW + "-" + HIGH);
  }
}
