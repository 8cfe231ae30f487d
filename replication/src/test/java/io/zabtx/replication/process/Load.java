package io.zabtx.replication.process;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.zabtx.replication.node.KeyValueStateMachine;
import io.zabtx.replication.node.proto.ProposeReply;
import io.zabtx.replication.node.proto.ProposeRequest;
import io.zabtx.replication.node.proto.ZabClientGrpc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded write load over the bidi Propose stream: keeps up to {@code window} requests
 * outstanding on the leader, each a {@link KeyValueStateMachine#put put} of a fresh key {@code
 * c-<n>} (no key is ever sent twice), and records what became of every key:
 *
 * <ul>
 *   <li><b>acked</b>: committed, with its zxid, the node and connection that acknowledged it;
 *   <li><b>refused</b>: NOT_LEADER or OVERLOADED, which the API defines as "nothing proposed";
 *   <li><b>unknown</b>: OUTCOME_UNKNOWN, STOPPED, or in flight when a stream broke; may or may not
 *       be in the cluster.
 * </ul>
 *
 * <p>It sends whenever the window has room, unless paced ({@link #maxRate}). On NOT_LEADER, a lost
 * leadership or a broken stream it finds the leader again (polling Status) and continues on a new
 * connection. It stops by itself after {@code maxKeys} keys or {@code maxDuration}, or on {@link
 * #stopAndAwait}; it then lets the outstanding requests finish (up to 10 s).
 */
final class Load {

  /** A committed key: zxid, the acknowledging node, connection number and arrival time. */
  record Ack(String key, long zxid, long sid, int connection, long atNanos) {}

  private final ClusterClient client;
  private final int window;
  private final int maxKeys;
  private final Duration maxDuration;
  private final Thread thread = new Thread(this::run, "load");
  private final CountDownLatch done = new CountDownLatch(1);
  private final List<Ack> acked = new ArrayList<>();
  private final Set<String> refused = new HashSet<>();
  private final Set<String> unknown = new HashSet<>();
  private volatile boolean stopRequested;
  private long nanosPerKey;
  private int outstanding;
  private int connections;

  Load(ClusterClient client, int window, int maxKeys, Duration maxDuration) {
    this.client = client;
    this.window = window;
    this.maxKeys = maxKeys;
    this.maxDuration = maxDuration;
    thread.setDaemon(true);
  }

  /** Paces the load to at most {@code perSecond} keys a second; call before {@link #start}. */
  Load maxRate(int perSecond) {
    this.nanosPerKey = TimeUnit.SECONDS.toNanos(1) / perSecond;
    return this;
  }

  Load start() {
    thread.start();
    return this;
  }

  /** Asks the load to stop and waits (bounded) until its last requests are answered. */
  Load stopAndAwait(Duration timeout) throws InterruptedException {
    stopRequested = true;
    if (thread.getState() == Thread.State.NEW) {
      return this;
    }
    if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("load did not stop within " + timeout);
    }
    return this;
  }

  synchronized int ackedCount() {
    return acked.size();
  }

  synchronized List<Ack> acked() {
    return List.copyOf(acked);
  }

  synchronized Set<String> refused() {
    return Set.copyOf(refused);
  }

  synchronized Set<String> unknown() {
    return Set.copyOf(unknown);
  }

  synchronized int connections() {
    return connections;
  }

  /** The latest ack, if any. */
  synchronized Optional<Ack> lastAck() {
    return acked.isEmpty() ? Optional.empty() : Optional.of(acked.get(acked.size() - 1));
  }

  /** The first ack that arrived on a connection opened after connection {@code number}. */
  synchronized Optional<Ack> firstAckAfterConnection(int number) {
    return acked.stream().filter(a -> a.connection() > number).findFirst();
  }

  private void run() {
    long begin = System.nanoTime();
    long end = begin + maxDuration.toNanos();
    int next = 0;
    try {
      while (!stopRequested && next < maxKeys && System.nanoTime() < end) {
        long sid = client.leader();
        if (sid < 0) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
          continue;
        }
        Connection c = new Connection(sid);
        while (!stopRequested && next < maxKeys && System.nanoTime() < end && !c.broken) {
          boolean due = System.nanoTime() - begin >= next * nanosPerKey;
          if (!due || !c.trySend("c-" + next)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            continue;
          }
          next++;
        }
        // Lets the replies in flight arrive (on NOT_LEADER the rest come at once), then cancels.
        c.drainAndClose(System.nanoTime() + TimeUnit.SECONDS.toNanos(c.broken ? 1 : 10));
        if (c.broken) {
          // A node that just won an election answers NOT_LEADER until it is established.
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
      }
    } finally {
      done.countDown();
    }
  }

  /** One Propose stream to one node. Shares the Load's lock with the reply callbacks. */
  private final class Connection implements StreamObserver<ProposeReply> {
    private final long sid;
    private final int number;
    private final Map<Long, String> pending = new HashMap<>();
    private final StreamObserver<ProposeRequest> requests;
    private long nextId;
    private volatile boolean broken;

    Connection(long sid) {
      this.sid = sid;
      synchronized (Load.this) {
        this.number = ++connections;
      }
      this.requests = ZabClientGrpc.newStub(client.channel(sid)).propose(this);
    }

    /** Sends a put of {@code key} if the window allows; false if it is full. */
    boolean trySend(String key) {
      long id;
      synchronized (Load.this) {
        if (broken || outstanding >= window) {
          return false;
        }
        id = nextId++;
        pending.put(id, key);
        outstanding++;
      }
      byte[] value = ("v-" + key).getBytes(StandardCharsets.UTF_8);
      requests.onNext(
          ProposeRequest.newBuilder()
              .setId(id)
              .setData(ByteString.copyFrom(KeyValueStateMachine.put(key, value)))
              .build());
      return true;
    }

    void drainAndClose(long deadlineNanos) {
      while (System.nanoTime() < deadlineNanos) {
        synchronized (Load.this) {
          if (pending.isEmpty()) {
            break;
          }
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      cancel();
    }

    /** Ends the stream; whatever is still pending becomes unknown. */
    void cancel() {
      requests.onError(Status.CANCELLED.withDescription("load moves on").asRuntimeException());
      fail();
    }

    @Override
    public void onNext(ProposeReply r) {
      long now = System.nanoTime();
      synchronized (Load.this) {
        String key = pending.remove(r.getId());
        if (key == null) {
          return;
        }
        outstanding--;
        switch (r.getError()) {
          case NONE -> {
            if (r.getZxid() > 0) {
              acked.add(new Ack(key, r.getZxid(), sid, number, now));
            } else {
              unknown.add(key);
            }
          }
          case NOT_LEADER -> {
            refused.add(key);
            broken = true;
          }
          case OVERLOADED -> refused.add(key);
          default -> {
            unknown.add(key);
            broken = true;
          }
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      fail();
    }

    @Override
    public void onCompleted() {
      fail();
    }

    private void fail() {
      synchronized (Load.this) {
        broken = true;
        unknown.addAll(pending.values());
        outstanding -= pending.size();
        pending.clear();
      }
    }
  }
}
