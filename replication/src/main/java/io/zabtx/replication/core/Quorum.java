package io.zabtx.replication.core;

import java.util.Arrays;

/** Quorum arithmetic, kept apart so that it can be tested exhaustively. */
public final class Quorum {

  private Quorum() {}

  /** Majority of {@code voters}. */
  public static int of(int voters) {
    if (voters < 1) {
      throw new IllegalArgumentException("need at least one voter, got " + voters);
    }
    return voters / 2 + 1;
  }

  /**
   * The largest zxid that at least {@code quorum} of the given durable positions have reached: the
   * commit point a leader may announce. Returns {@link Long#MIN_VALUE} when fewer than {@code
   * quorum} positions are given.
   */
  public static long agreed(long[] durableZxids, int quorum) {
    if (quorum < 1) {
      throw new IllegalArgumentException("quorum must be positive, got " + quorum);
    }
    if (durableZxids.length < quorum) {
      return Long.MIN_VALUE;
    }
    long[] sorted = durableZxids.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length - quorum];
  }
}
