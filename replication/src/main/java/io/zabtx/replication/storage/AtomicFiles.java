package io.zabtx.replication.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * File operations whose crash behaviour the rest of the package relies on: whole-file replacement
 * (temp file, fsync, rename, fsync directory) and positional I/O that never stops half-way.
 */
final class AtomicFiles {

  /** Suffix of files being written; a crash may leave them behind and recovery deletes them. */
  static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code parts}, atomically: after a crash the file holds either its
   * old content or all of the new one.
   */
  static void write(Path target, Fsyncs fsyncs, ByteBuffer... parts) throws IOException {
    commit(writeTemp(target, fsyncs, parts), target, fsyncs);
  }

  /** First half of {@link #write}: the new content, durable, under a temporary name. */
  static Path writeTemp(Path target, Fsyncs fsyncs, ByteBuffer... parts) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      long position = 0;
      for (ByteBuffer part : parts) {
        position += writeFully(ch, part.duplicate(), position);
      }
      // Durable before the rename, or the rename could reach the disk before the content.
      fsyncs.force(ch, true);
    }
    return temp;
  }

  /** Second half of {@link #write}: the atomic switch, then the directory entry made durable. */
  static void commit(Path temp, Path target, Fsyncs fsyncs) throws IOException {
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncs.forceDirectory(target.getParent());
  }

  /** Writes all of {@code src} at {@code position}; returns the bytes written. */
  static int writeFully(FileChannel ch, ByteBuffer src, long position) throws IOException {
    int total = 0;
    while (src.hasRemaining()) {
      total += ch.write(src, position + total);
    }
    return total;
  }

  /**
   * Fills {@code dst} from {@code position}; returns false if the file ends first (then {@code dst}
   * holds what there was).
   */
  static boolean readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, at);
      if (n < 0) {
        return false;
      }
      at += n;
    }
    return true;
  }

  /** Deletes {@code dir} and everything in it; a missing directory is fine. */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Deletes every file in {@code dir} whose name ends with {@link #TEMP_SUFFIX}. */
  static int deleteTempFiles(Path dir) throws IOException {
    int deleted = 0;
    try (var files = Files.newDirectoryStream(dir, "*" + TEMP_SUFFIX)) {
      for (Path f : files) {
        if (Files.isRegularFile(f)) {
          deleteIfExists(f);
          deleted++;
        }
      }
    }
    return deleted;
  }

  private static void deleteIfExists(Path p) throws IOException {
    try {
      Files.deleteIfExists(p);
    } catch (NoSuchFileException e) {
      // Gone already: that is what we wanted.
    }
  }
}
