package io.zabtx.replication.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a file of known size through one reusable buffer, for the forward scans of recovery and
 * truncation: no read per record, and no buffer the size of a segment.
 */
final class FileWindow {

  private final FileChannel channel;
  private final long size;
  private final ByteBuffer window;
  private long windowStart;

  FileWindow(FileChannel channel, long size, int windowBytes) {
    this.channel = channel;
    this.size = size;
    this.window = ByteBuffer.allocate(windowBytes);
    this.window.limit(0);
  }

  long size() {
    return size;
  }

  /**
   * The file bytes {@code [position, position + n)}: a buffer whose position is the index of the
   * first of them and whose limit follows the last. Null if the file ends first. Valid until the
   * next call.
   */
  ByteBuffer at(long position, int n) throws IOException {
    if (position < 0 || n < 0 || position + n > size) {
      return null;
    }
    if (n > window.capacity()) {
      ByteBuffer big = ByteBuffer.allocate(n);
      if (!AtomicFiles.readFully(channel, big, position)) {
        return null;
      }
      return big.flip();
    }
    if (position < windowStart || position + n > windowStart + window.limit()) {
      window.clear();
      window.limit((int) Math.min(window.capacity(), size - position));
      AtomicFiles.readFully(channel, window, position);
      window.flip();
      windowStart = position;
      if (window.limit() < n) {
        return null; // the file shrank under us
      }
    }
    ByteBuffer view = window.duplicate();
    int index = (int) (position - windowStart);
    view.limit(index + n).position(index);
    return view;
  }

  /**
   * The offset just past the last non-zero byte in {@code [from, size)}, or {@code from} if that
   * range is all zeros.
   */
  long endOfNonZero(long from) throws IOException {
    long end = from;
    for (long p = from; p < size; ) {
      int n = (int) Math.min(window.capacity(), size - p);
      ByteBuffer b = at(p, n);
      int i = b.position();
      int limit = b.limit();
      for (; i + 8 <= limit; i += 8) {
        long word = b.getLong(i);
        if (word != 0) {
          // Big-endian: the last non-zero byte of the word is the lowest-order one.
          end = p + (i - b.position()) + 8 - Long.numberOfTrailingZeros(word) / 8;
        }
      }
      for (; i < limit; i++) {
        if (b.get(i) != 0) {
          end = p + (i - b.position()) + 1;
        }
      }
      p += n;
    }
    return end;
  }
}
