package io.zabtx.bench;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.AsyncCallback.StatCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/** The same load and failover as {@link ZabBench}, as 1 KiB setData on a ZooKeeper ensemble. */
final class ZkBench {

  private ZkBench() {}

  static final int KEYS = ZabBench.KEYS;

  static ZooKeeper connect(String connect, int timeoutMs) throws Exception {
    CountDownLatch up = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            30_000,
            e -> {
              if (e.getState() == KeeperState.SyncConnected) {
                up.countDown();
              }
            });
    if (!up.await(timeoutMs, TimeUnit.MILLISECONDS)) {
      zk.close(100);
      throw new IllegalStateException("cannot connect to " + connect);
    }
    return zk;
  }

  static String path(long id) {
    return "/bench/k" + (id % KEYS);
  }

  static byte[][] values(int size) {
    Random r = new Random(42);
    byte[][] v = new byte[KEYS][size];
    for (byte[] b : v) {
      r.nextBytes(b);
    }
    return v;
  }

  /** The answer to a four-letter word, or "" when the server does not answer. */
  static String fourLetter(String hostPort, String word) {
    try (Socket s = new Socket()) {
      s.connect(Args.address(hostPort), 500);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write(word.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toString(StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "";
    }
  }

  static String mode(String hostPort) {
    for (String line : fourLetter(hostPort, "srvr").split("\n")) {
      if (line.startsWith("Mode: ")) {
        return line.substring(6).trim();
      }
    }
    return "";
  }

  // ---- zk-leader ----

  static void leader(Args a) throws InterruptedException {
    Map<Long, String> servers = a.idMap("servers");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(a.integer("timeout-s", 60));
    while (System.nanoTime() < deadline) {
      long leader = -1;
      int followers = 0;
      for (Map.Entry<Long, String> e : servers.entrySet()) {
        String m = mode(e.getValue());
        if (m.equals("leader")) {
          leader = e.getKey();
        } else if (m.equals("follower")) {
          followers++;
        }
      }
      if (leader > 0 && followers == servers.size() - 1) {
        Args.result(a.get("prefix", "zk"), "leader", leader);
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no stable ZooKeeper leader within the timeout");
  }

  // ---- zk-setup ----

  static void setup(Args a) throws Exception {
    ZooKeeper zk = connect(a.get("connect"), 30_000);
    byte[][] v = values(a.integer("size", 1024));
    try {
      create(zk, "/bench", new byte[0]);
      for (int i = 0; i < KEYS; i++) {
        create(zk, path(i), v[i]);
      }
    } finally {
      zk.close(1000);
    }
  }

  private static void create(ZooKeeper zk, String path, byte[] data) throws Exception {
    try {
      zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    } catch (KeeperException.NodeExistsException ignored) {
      // from an earlier round
    }
  }

  // ---- zk-load ----

  static void load(Args a) throws Exception {
    String prefix = a.get("prefix", "zk.load");
    int window = a.integer("window", 1);
    byte[][] v = values(a.integer("size", 1024));
    Measure m = new Measure(a.namedPids("cpu-pids"));
    ZooKeeper zk = connect(a.get("connect"), 30_000);
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicInteger outstanding = new AtomicInteger();
    AtomicLong nextId = new AtomicLong();
    AtomicLong lastError = new AtomicLong();
    StatCallback[] cb = new StatCallback[1];
    Runnable sendOne =
        () -> {
          long id = nextId.getAndIncrement();
          outstanding.incrementAndGet();
          zk.setData(path(id), v[(int) (id % KEYS)], -1, cb[0], System.nanoTime());
        };
    cb[0] =
        (rc, path, ctx, stat) -> {
          long now = System.nanoTime();
          if (rc == KeeperException.Code.OK.intValue()) {
            m.record(now - (Long) ctx);
          } else {
            m.errors.incrementAndGet();
            lastError.set(rc);
          }
          outstanding.decrementAndGet();
          if (sending.get()) {
            sendOne.run();
          }
        };
    for (int i = 0; i < window; i++) {
      sendOne.run();
    }
    Thread.sleep(a.integer("warmup-s", 5) * 1000L);
    m.begin();
    Thread.sleep(a.integer("duration-s", 15) * 1000L);
    m.end();
    sending.set(false);
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
      Thread.sleep(5);
    }
    m.print(prefix);
    Args.result(prefix, "window", window);
    Args.result(prefix, "undrained", outstanding.get());
    Args.result(prefix, "last_error_rc", lastError.get());
    zk.close(2000);
  }

  // ---- zk-failover ----

  static void failover(Args a) throws Exception {
    String prefix = a.get("prefix", "zk.failover");
    Map<Long, String> servers = a.idMap("servers");
    Map<Long, String> pids = a.idMap("pids");
    int preMs = a.integer("pre-ms", 1500);
    int intervalMs = a.integer("interval-ms", 5);
    int probeEveryMs = a.integer("probe-every-ms", 20);
    long timeoutNs = TimeUnit.SECONDS.toNanos(a.integer("timeout-s", 30));
    byte[][] v = values(a.integer("size", 1024));

    long leader = -1;
    for (Map.Entry<Long, String> e : servers.entrySet()) {
      if (mode(e.getValue()).equals("leader")) {
        leader = e.getKey();
      }
    }
    if (leader < 0) {
      throw new IllegalStateException("no ZooKeeper leader");
    }
    List<String> survivors = new ArrayList<>();
    for (Map.Entry<Long, String> e : servers.entrySet()) {
      if (e.getKey() != leader) {
        survivors.add(e.getValue());
      }
    }
    String all = String.join(",", servers.values());
    ZooKeeper session = connect(all, 30_000);
    String connectedTo = session.toString().replaceAll(".*remoteserver:(\\S+).*", "$1");
    AtomicLong killAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong sessionFirst = new AtomicLong();
    AtomicLong probeFirst = new AtomicLong();
    AtomicLong before = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    // the application's own session: one write every interval-ms, retried at once on failure
    Thread load =
        new Thread(
            () -> {
              long id = 0;
              while (!stop.get() && sessionFirst.get() == 0) {
                long sent = System.nanoTime();
                try {
                  session.setData(path(id), v[(int) (id % KEYS)], -1);
                  if (sent > killAt.get()) {
                    sessionFirst.compareAndSet(0, System.nanoTime());
                  } else {
                    before.incrementAndGet();
                  }
                  Thread.sleep(intervalMs);
                } catch (KeeperException e) {
                  sleepQuietly(1);
                } catch (InterruptedException e) {
                  return;
                }
                id++;
              }
            },
            "session-load");
    load.start();
    Thread.sleep(preMs);
    long pid = Long.parseLong(pids.get(leader));
    ProcessHandle h =
        ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
    killAt.set(System.nanoTime());
    h.destroyForcibly(); // SIGKILL
    // fresh connections, one every probe-every-ms to the survivors in turn: the first write that
    // succeeds on any of them ends the clock (no client reconnect back-off involved)
    ExecutorService pool = Executors.newCachedThreadPool();
    long deadline = killAt.get() + timeoutNs;
    int turn = 0;
    while ((probeFirst.get() == 0 || sessionFirst.get() == 0) && System.nanoTime() < deadline) {
      if (probeFirst.get() == 0) {
        String target = survivors.get(turn++ % survivors.size());
        pool.execute(() -> probe(target, v[0], probeFirst, killAt.get()));
      }
      Thread.sleep(probeEveryMs);
    }
    stop.set(true);
    Args.result(prefix, "killed_sid", leader);
    Args.result(prefix, "killed_pid", pid);
    Args.result(prefix, "session_connected_to", connectedTo);
    Args.result(prefix, "writes_before_kill", before.get());
    Args.result(prefix, "probe_ms", ms(probeFirst.get(), killAt.get()));
    Args.result(prefix, "session_ms", ms(sessionFirst.get(), killAt.get()));
    pool.shutdownNow();
    load.interrupt();
    session.close(1000);
  }

  private static void probe(String target, byte[] value, AtomicLong first, long killAt) {
    ZooKeeper z = null;
    try {
      CountDownLatch up = new CountDownLatch(1);
      z =
          new ZooKeeper(
              target,
              30_000,
              e -> {
                if (e.getState() == KeeperState.SyncConnected) {
                  up.countDown();
                }
              });
      if (up.await(1, TimeUnit.SECONDS) && first.get() == 0) {
        z.setData(path(0), value, -1);
        first.compareAndSet(0, System.nanoTime());
      }
    } catch (Exception ignored) {
      // not serving yet: a later probe will try again
    } finally {
      if (z != null) {
        try {
          z.close(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static String ms(long t, long t0) {
    return t == 0 ? "timeout" : String.format("%.1f", (t - t0) / 1e6);
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
