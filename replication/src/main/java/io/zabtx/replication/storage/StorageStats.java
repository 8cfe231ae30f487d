package io.zabtx.replication.storage;

/**
 * A point-in-time picture of a {@link ZabStorage}, for tests and metrics.
 *
 * @param lastZxid the last zxid of the history (newest snapshot or last log entry), 0 if none
 * @param segmentCount log segment files in use
 * @param bytesOnDisk bytes of log segments (pre-allocated size) and snapshot files
 * @param fsyncCount fsyncs of files and directories issued since open
 * @param lastFsyncNanos how long the most recent fsync took
 * @param syncCount group commits ({@link ZabStorage#sync()} or an epoch write) that made log ops
 *     durable
 * @param lastSyncBatchOps log ops made durable by the most recent group commit
 */
public record StorageStats(
    long lastZxid,
    int segmentCount,
    long bytesOnDisk,
    long fsyncCount,
    long lastFsyncNanos,
    long syncCount,
    int lastSyncBatchOps) {}
