package io.zabtx.replication.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues every fsync of one storage instance, so that the fsync option and the counters behind
 * {@link StorageStats} live in one place. Thread-safe: the runtime's syncer thread forces the log
 * while the storage's own thread may force other files.
 */
final class Fsyncs {

  private final boolean enabled;
  private final AtomicLong count = new AtomicLong();
  private volatile long lastNanos;
  private volatile IOException failNext;

  Fsyncs(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * Makes the data of {@code channel} durable; with {@code metadata} also its size and times. The
   * log's group commit passes false (fdatasync): segments are pre-allocated, so appends do not
   * change the size.
   */
  void force(FileChannel channel, boolean metadata) throws IOException {
    IOException injected = failNext;
    if (injected != null) {
      failNext = null;
      throw injected;
    }
    if (!enabled) {
      return;
    }
    long start = System.nanoTime();
    channel.force(metadata);
    record(start);
  }

  /** Makes the entries of {@code dir} (creations, renames, deletions) durable. */
  void forceDirectory(Path dir) throws IOException {
    if (!enabled) {
      return;
    }
    long start = System.nanoTime();
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
    record(start);
  }

  /** Test seam: the next force of a file fails with {@code e}, as a dying disk's would. */
  void failNextForce(IOException e) {
    failNext = e;
  }

  long count() {
    return count.get();
  }

  long lastNanos() {
    return lastNanos;
  }

  private void record(long startNanos) {
    lastNanos = System.nanoTime() - startNanos;
    count.incrementAndGet();
  }
}
