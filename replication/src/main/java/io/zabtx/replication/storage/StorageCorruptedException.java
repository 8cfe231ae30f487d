package io.zabtx.replication.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The data directory holds something recovery cannot explain as the result of a crash: damage
 * before the end of the log, a missing segment, a snapshot or epoch file that fails its checksum,
 * or a log that does not fit its snapshot. Starting anyway could silently drop entries this node
 * already acknowledged, so {@link ZabStorage#open} refuses instead.
 *
 * <p>The message names the file and, where it applies, the byte offset, and says what to do.
 */
public final class StorageCorruptedException extends IOException {

  private static final long serialVersionUID = 1L;

  /** What an operator can do about it; appended to every message. */
  static final String ADVICE =
      "This node's data directory cannot be trusted: restore it from a backup, or delete it so"
          + " that the node rejoins empty and resyncs its history from the leader (SNAP)."
          + " Never wipe a majority of the ensemble at once: that loses committed entries.";

  private final transient Path file;
  private final long offset;

  /**
   * @param file the damaged file
   * @param offset the byte offset of the damage in {@code file}, or -1 if it concerns the whole
   *     file
   * @param problem what is wrong, in a sentence
   */
  StorageCorruptedException(Path file, long offset, String problem) {
    super(problem + " [file " + file + (offset >= 0 ? ", offset " + offset : "") + "]. " + ADVICE);
    this.file = file;
    this.offset = offset;
  }

  /** The damaged file. */
  public Path file() {
    return file;
  }

  /** The byte offset of the damage in {@link #file()}, or -1 if it concerns the whole file. */
  public long offset() {
    return offset;
  }
}
