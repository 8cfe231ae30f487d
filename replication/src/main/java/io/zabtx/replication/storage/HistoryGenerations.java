package io.zabtx.replication.storage;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The history (snapshots and log) lives in a directory {@code history-<16 hex digits of a
 * generation>} inside the data directory, and the small file {@value #POINTER} names the current
 * generation. Installing a snapshot builds the next generation beside the current one and then
 * switches the pointer with one atomic rename, which makes the install atomic as a whole.
 */
final class HistoryGenerations {

  static final String POINTER = "CURRENT";
  private static final String PREFIX = "history-";
  private static final int MAGIC = 0x5A47454E; // "ZGEN"
  private static final System.Logger LOG = System.getLogger(HistoryGenerations.class.getName());

  private HistoryGenerations() {}

  static Path dirOf(Path dataDir, long generation) {
    return dataDir.resolve(String.format("%s%016x", PREFIX, generation));
  }

  /** The generation a history directory is named for, or -1 if it is not named like one. */
  static long parseGeneration(Path dir) {
    String name = dir.getFileName().toString();
    if (!name.startsWith(PREFIX) || name.length() != PREFIX.length() + 16) {
      return -1;
    }
    try {
      return Long.parseUnsignedLong(name.substring(PREFIX.length()), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The current generation. Creates generation 0 in a fresh data directory, and deletes every other
   * generation: one staged by an install that crashed before its switch, or the old one an install
   * had not finished deleting.
   */
  static long recover(Path dataDir, Fsyncs fsyncs) throws IOException {
    Path pointer = dataDir.resolve(POINTER);
    long current;
    if (Files.exists(pointer)) {
      current = LongFile.read(pointer, MAGIC);
      if (current < 0 || !Files.isDirectory(dirOf(dataDir, current))) {
        throw new StorageCorruptedException(
            pointer,
            -1,
            "the history pointer names directory "
                + dirOf(dataDir, current)
                + ", which is missing");
      }
    } else {
      requireFresh(dataDir, pointer);
      current = 0;
      Path first = dirOf(dataDir, current);
      AtomicFiles.deleteRecursively(first);
      Files.createDirectory(first);
      fsyncs.forceDirectory(dataDir);
      LongFile.write(pointer, MAGIC, current, fsyncs);
      // The data directory may be new too: its own entry must survive a crash, or the epochs
      // promised inside it could vanish with it.
      Path parent = dataDir.toAbsolutePath().getParent();
      if (parent != null) {
        fsyncs.forceDirectory(parent);
      }
    }
    boolean removed = false;
    try (var stream = Files.newDirectoryStream(dataDir, PREFIX + "*")) {
      for (Path d : stream) {
        long g = parseGeneration(d);
        if (g >= 0 && g != current && Files.isDirectory(d)) {
          LOG.log(Level.INFO, "Removing {0}, left by an interrupted snapshot install", d);
          AtomicFiles.deleteRecursively(d);
          removed = true;
        }
      }
    }
    if (removed) {
      fsyncs.forceDirectory(dataDir);
    }
    return current;
  }

  /** First half of the switch: the new pointer, durable, under a temporary name. */
  static Path stagePointer(Path dataDir, long generation, Fsyncs fsyncs) throws IOException {
    return AtomicFiles.writeTemp(
        dataDir.resolve(POINTER), fsyncs, LongFile.encode(MAGIC, generation));
  }

  /** Second half: the atomic rename that commits the new generation, made durable. */
  static void switchPointer(Path staged, Path dataDir, Fsyncs fsyncs) throws IOException {
    AtomicFiles.commit(staged, dataDir.resolve(POINTER), fsyncs);
  }

  /**
   * Without a pointer the directory must be new: the pointer is the first thing a storage writes,
   * so a history or epoch file without it means the pointer was lost.
   */
  private static void requireFresh(Path dataDir, Path pointer) throws IOException {
    for (String epochFile : new String[] {EpochFiles.ACCEPTED, EpochFiles.CURRENT}) {
      if (Files.exists(dataDir.resolve(epochFile))) {
        throw new StorageCorruptedException(
            pointer, -1, "the history pointer is missing although " + epochFile + " exists");
      }
    }
    try (var stream = Files.newDirectoryStream(dataDir, PREFIX + "*")) {
      for (Path d : stream) {
        if (parseGeneration(d) >= 0 && Files.isDirectory(d)) {
          try (var inside = Files.list(d)) {
            if (inside.findAny().isPresent()) {
              throw new StorageCorruptedException(
                  pointer, -1, "the history pointer is missing although " + d + " holds files");
            }
          }
        }
      }
    }
  }
}
