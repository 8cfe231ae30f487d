package io.zabtx.replication.storage;

import io.zabtx.replication.core.Zxid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two epoch files of ZAB rule 3, {@value #ACCEPTED} and {@value #CURRENT}, each a {@link
 * LongFile} in the data directory. A missing file means epoch 0 (a node that never ran).
 */
final class EpochFiles {

  static final String ACCEPTED = "acceptedEpoch";
  static final String CURRENT = "currentEpoch";
  private static final int MAGIC = 0x5A45504F; // "ZEPO"

  private EpochFiles() {}

  static long read(Path dataDir, String name) throws IOException {
    Path file = dataDir.resolve(name);
    if (!Files.exists(file)) {
      return 0;
    }
    long epoch = LongFile.read(file, MAGIC);
    if (epoch < 0 || epoch > Zxid.MAX_EPOCH) {
      throw new StorageCorruptedException(file, 4, "epoch " + epoch + " is out of range");
    }
    return epoch;
  }

  /** Replaces the epoch file atomically: temp file, fsync, rename, fsync directory. */
  static void write(Path dataDir, String name, long epoch, Fsyncs fsyncs) throws IOException {
    LongFile.write(dataDir.resolve(name), MAGIC, epoch, fsyncs);
  }
}
