package io.zabtx.participant.runtime;

import io.zabtx.participant.branch.BranchKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded thread pools of the runtime. Durable steps run on {@code storeThreads} single-thread
 * lanes chosen by branch, so the steps of one branch run one after another in the order the engine
 * asked for them (the store is never called concurrently for one branch, and a Forget cannot
 * overtake the tombstone written after it). Cluster calls run on a pool of {@code clusterThreads}.
 * Every queue is bounded; a task that does not fit is refused ({@link #store} and {@link #cluster}
 * return false) and the caller reports the step as failed.
 */
final class Workers {

  private final List<ThreadPoolExecutor> lanes = new ArrayList<>();
  private final ThreadPoolExecutor cluster;
  private final AtomicInteger storeQueued = new AtomicInteger();

  Workers(int storeThreads, int clusterThreads, int queueCapacity, String name) {
    for (int i = 0; i < storeThreads; i++) {
      lanes.add(pool(1, queueCapacity, name + "-store-" + i));
    }
    this.cluster = pool(clusterThreads, queueCapacity, name + "-cluster");
  }

  /** Runs {@code task} on {@code key}'s lane; false if its queue is full or the pool is closed. */
  boolean store(BranchKey key, Runnable task) {
    ThreadPoolExecutor lane = lanes.get(Math.floorMod(key.hashCode(), lanes.size()));
    return submit(
        lane,
        () -> {
          try {
            task.run();
          } finally {
            storeQueued.decrementAndGet();
          }
        },
        storeQueued);
  }

  /** Runs {@code task} on the cluster pool; false if its queue is full or the pool is closed. */
  boolean cluster(Runnable task) {
    return submit(cluster, task, null);
  }

  /** Durable steps queued or running. */
  int storeBacklog() {
    return storeQueued.get();
  }

  /** Cluster calls queued or running. */
  int clusterBacklog() {
    return cluster.getQueue().size() + cluster.getActiveCount();
  }

  /**
   * Lets queued durable steps finish (up to {@code waitMillis}), interrupts cluster calls, and
   * stops every thread.
   */
  void shutdown(long waitMillis) {
    cluster.shutdownNow();
    lanes.forEach(ExecutorService::shutdown);
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    try {
      for (ThreadPoolExecutor lane : lanes) {
        lane.awaitTermination(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      cluster.awaitTermination(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lanes.forEach(ExecutorService::shutdownNow);
  }

  private static boolean submit(ThreadPoolExecutor pool, Runnable task, AtomicInteger counter) {
    if (counter != null) {
      counter.incrementAndGet();
    }
    try {
      pool.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      if (counter != null) {
        counter.decrementAndGet();
      }
      return false;
    }
  }

  private static ThreadPoolExecutor pool(int threads, int queueCapacity, String name) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueCapacity),
        r -> {
          Thread t = new Thread(r, threads == 1 ? name : name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
