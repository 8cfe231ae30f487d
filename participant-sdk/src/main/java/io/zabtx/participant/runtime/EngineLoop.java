package io.zabtx.participant.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that drives the branch engine: it runs events one at a time from its inbox and a
 * tick every {@code tickMillis}, calling {@code afterEach} after every event and tick (the runtime
 * carries out the engine's commands there).
 *
 * <p>Two kinds of events share the inbox. <b>Requests</b> from outside (phase messages, admission
 * checks) are {@link #offer}ed and refused when {@code requestCapacity} of them wait: that is the
 * back-pressure callers see. <b>Results</b> (a durable step finished, a cluster answer, local work
 * committed) are {@link #post}ed and never refused while the loop runs: losing one would wedge a
 * branch. Their number is bounded by the engine (at most one durable step, one query and one report
 * in flight per branch); the queue's capacity leaves room for them, and a poster blocks rather than
 * drops should they ever exceed it.
 */
final class EngineLoop {

  private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);

  /** Something for the engine's thread to do. */
  interface Event {
    /** Runs on the engine's thread. */
    void run();

    /** The loop stopped before running it: fail whoever waits for it. Must not block. */
    default void abandon() {}
  }

  private record Queued(Event event, boolean request) {}

  private static final Queued STOP = new Queued(() -> {}, false);

  private final LinkedBlockingQueue<Queued> inbox;
  private final int requestCapacity;
  private final AtomicInteger requestsQueued = new AtomicInteger();
  private final long tickNanos;
  private final Runnable onTick;
  private final Runnable afterEach;
  private final Thread thread;
  private volatile boolean stopped;

  EngineLoop(
      String threadName,
      int requestCapacity,
      int resultCapacity,
      long tickMillis,
      Runnable onTick,
      Runnable afterEach) {
    this.inbox = new LinkedBlockingQueue<>(requestCapacity + resultCapacity + 1);
    this.requestCapacity = requestCapacity;
    this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
    this.onTick = onTick;
    this.afterEach = afterEach;
    this.thread = new Thread(this::loop, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues a request; false (and nothing queued) when {@code requestCapacity} wait or stopped. */
  boolean offer(Event e) {
    if (stopped) {
      return false;
    }
    if (requestsQueued.incrementAndGet() > requestCapacity) {
      requestsQueued.decrementAndGet();
      return false;
    }
    if (!inbox.offer(new Queued(e, true))) {
      requestsQueued.decrementAndGet();
      return false;
    }
    return true;
  }

  /**
   * Queues a result. Blocks only if the queue is full (results beyond their bound); after {@link
   * #stop} the result is dropped (logged), the branch resumes from its durable row on restart.
   */
  void post(Event e) {
    if (stopped) {
      LOG.debug("engine loop stopped; result dropped");
      return;
    }
    try {
      inbox.put(new Queued(e, false));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      LOG.warn("interrupted while posting a result to the engine loop; it is dropped");
    }
  }

  /** Events waiting. */
  int depth() {
    return inbox.size();
  }

  boolean onLoopThread() {
    return Thread.currentThread() == thread;
  }

  /**
   * Stops the loop after the event it is running, waits up to {@code waitMillis} for its thread,
   * and abandons every event still queued. Returns true if the thread ended.
   */
  boolean stop(long waitMillis) {
    stopped = true;
    List<Queued> left = new ArrayList<>();
    inbox.drainTo(left); // makes room for STOP; abandoned below, once the thread ended
    boolean ended = true;
    if (thread.isAlive()) {
      inbox.offer(STOP);
      try {
        thread.join(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ended = !thread.isAlive();
    }
    inbox.drainTo(left);
    for (Queued q : left) {
      if (q != STOP) {
        safely(q.event()::abandon);
      }
    }
    return ended;
  }

  private void loop() {
    long nextTick = System.nanoTime() + tickNanos;
    while (true) {
      Queued q;
      try {
        long wait = nextTick - System.nanoTime();
        q = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
      } catch (InterruptedException e) {
        return;
      }
      if (q == STOP) {
        return;
      }
      if (q != null) {
        if (q.request()) {
          requestsQueued.decrementAndGet();
        }
        if (stopped) {
          safely(q.event()::abandon);
          continue;
        }
        safely(q.event()::run);
        safely(afterEach);
      }
      if (System.nanoTime() - nextTick >= 0 && !stopped) {
        safely(onTick);
        safely(afterEach);
        nextTick = System.nanoTime() + tickNanos;
      }
    }
  }

  // The loop must outlive a bug in one event: log it and go on with the next.
  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException | AssertionError e) {
      LOG.error("branch engine event failed; the loop goes on", e);
    }
  }
}
