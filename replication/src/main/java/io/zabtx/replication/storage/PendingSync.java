package io.zabtx.replication.storage;

import java.io.IOException;

/**
 * A group commit begun by {@link ZabStorage#beginSync()}: the appends it covers are with the OS,
 * and {@link #await()} makes them durable. It lets the event loop go on stepping the protocol while
 * another thread waits for the fsync.
 *
 * <p><b>Threading.</b> {@link #await()} may be called from any thread, any number of times; the
 * fsync happens once (or not at all when a later or concurrent force already covered it). The other
 * methods are plain reads.
 */
public final class PendingSync {

  private final ZabStorage storage;
  private final LogSegment segment;
  private final long target;
  private final int ops;
  private volatile boolean durable;

  PendingSync(ZabStorage storage, LogSegment segment, long target, int ops) {
    this.storage = storage;
    this.segment = segment;
    this.target = target;
    this.ops = ops;
    this.durable = segment == null;
  }

  /** How many log ops this group commit covers (its batch size). */
  public int ops() {
    return ops;
  }

  /** True once {@link #await()} returned normally on some thread. */
  public boolean isDurable() {
    return durable;
  }

  /**
   * Blocks until every op written before {@link ZabStorage#beginSync()} is durable.
   *
   * @throws IOException if the fsync failed; the storage is failed from then on (its disk state is
   *     unknown) and the node must restart
   */
  public void await() throws IOException {
    if (durable) {
      return;
    }
    try {
      segment.forceTo(target, storage.fsyncs());
    } catch (IOException | RuntimeException | Error e) {
      storage.failed(e);
      throw e;
    }
    durable = true;
  }
}
