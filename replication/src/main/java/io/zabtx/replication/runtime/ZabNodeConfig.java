package io.zabtx.replication.runtime;

import io.zabtx.replication.core.ZabConfig;
import io.zabtx.replication.storage.StorageOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link ZabNode} needs besides its state machine and transport.
 *
 * @param protocol the protocol core's configuration (ids, members, timeouts in ticks, limits)
 * @param tick how long one core tick is
 * @param dataDir where the log, snapshots and epoch files live
 * @param storage storage tuning
 * @param snapshotEveryEntries take a state-machine snapshot after this many applied entries
 * @param snapshotEveryBytes or after this many applied payload bytes, whichever comes first
 * @param inboxCapacity bound of the event loop's inbox (peer messages, ticks, proposals)
 * @param maxBatch how many inbox events one loop iteration handles before it persists and sends
 */
public record ZabNodeConfig(
    ZabConfig protocol,
    Duration tick,
    Path dataDir,
    StorageOptions storage,
    long snapshotEveryEntries,
    long snapshotEveryBytes,
    int inboxCapacity,
    int maxBatch) {

  /** Validates the settings. */
  public ZabNodeConfig {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(tick, "tick");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(storage, "storage");
    if (tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("tick must be positive, got " + tick);
    }
    if (snapshotEveryEntries < 1 || snapshotEveryBytes < 1 || inboxCapacity < 16 || maxBatch < 1) {
      throw new IllegalArgumentException("snapshot thresholds, inbox and batch must be positive");
    }
  }

  /** Defaults: 10 ms ticks, snapshots every 100k entries or 64 MiB, a 100k-event inbox. */
  public static ZabNodeConfig of(ZabConfig protocol, Path dataDir) {
    return new ZabNodeConfig(
        protocol,
        Duration.ofMillis(10),
        dataDir,
        StorageOptions.defaults(),
        100_000,
        64L << 20,
        100_000,
        1_000);
  }

  /** A copy with another snapshot threshold (entries). */
  public ZabNodeConfig withSnapshotEveryEntries(long entries) {
    return new ZabNodeConfig(
        protocol, tick, dataDir, storage, entries, snapshotEveryBytes, inboxCapacity, maxBatch);
  }

  /** A copy with other storage options. */
  public ZabNodeConfig withStorage(StorageOptions options) {
    return new ZabNodeConfig(
        protocol,
        tick,
        dataDir,
        options,
        snapshotEveryEntries,
        snapshotEveryBytes,
        inboxCapacity,
        maxBatch);
  }

  /** A copy with another tick length. */
  public ZabNodeConfig withTick(Duration t) {
    return new ZabNodeConfig(
        protocol,
        t,
        dataDir,
        storage,
        snapshotEveryEntries,
        snapshotEveryBytes,
        inboxCapacity,
        maxBatch);
  }
}
