package io.zabtx.replication.runtime;

import io.zabtx.replication.storage.PendingSync;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The thread that waits for the disk while the event loop goes on stepping the protocol: it
 * completes the group commits the loop hands it, in order, and wakes the loop after each.
 *
 * <p>Pipelining is where the time goes under load: the loop of a saturated leader used to spend
 * half its time blocked in fsync, unable to take in the acks that would commit the previous batch.
 * The loop bounds how many group commits are in flight, so the queue here is bounded by that.
 */
final class Syncer {

  private static final System.Logger LOG = System.getLogger(Syncer.class.getName());

  /** Ends the thread; a sentinel rather than an interrupt, which would close the log's channel. */
  private static final Object STOP = new Object();

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Runnable wakeLoop;
  private final Thread thread;
  private volatile Throwable failure;

  Syncer(long sid, Runnable wakeLoop) {
    this.wakeLoop = wakeLoop;
    this.thread = new Thread(this::run, "zab-" + sid + "-syncer");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues a group commit; the loop is woken once it is durable. */
  void submit(PendingSync sync) {
    queue.add(sync);
  }

  /** The fsync failure that stopped this syncer, or null. */
  Throwable failure() {
    return failure;
  }

  /** Stops the thread after the group commits queued before; waits for it a few seconds. */
  void close() {
    queue.add(STOP);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      for (Object next = queue.take(); next != STOP; next = queue.take()) {
        ((PendingSync) next).await(); // returns at once when the loop already covered it
        wakeLoop.run();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException | Error e) {
      LOG.log(Level.DEBUG, "syncer stopped by a failed fsync", e);
      failure = e;
      wakeLoop.run();
    }
  }
}
