package io.zabtx.replication.storage;

/**
 * The steps of {@code InstallSnapshot}, in order. The new history is staged in a directory of its
 * own; switching the {@code CURRENT} pointer to it ({@link #POINTER_SWITCHED}) is the commit point.
 * A crash after any step before it recovers the old history intact; a crash after it recovers the
 * new one. Tests stop after each step as a crash would.
 */
enum InstallStep {
  /** The staging directory {@code history-<next generation>} exists, empty. */
  STAGING_CREATED,
  /** The snapshot file is in it, durable. */
  SNAPSHOT_STAGED,
  /** The log segment(s) with the entries are in it, durable. */
  LOG_STAGED,
  /** The staging directory itself is fsynced, so its file names are durable. */
  STAGING_SYNCED,
  /** {@code CURRENT.tmp}, naming the new generation, is written and fsynced. */
  POINTER_STAGED,
  /** {@code CURRENT.tmp} renamed over {@code CURRENT} and the data directory fsynced: committed. */
  POINTER_SWITCHED,
  /** The old history directory is deleted. */
  OLD_HISTORY_DELETED
}
