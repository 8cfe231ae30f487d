package io.zabtx.replication.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Quorum arithmetic behind rules 2, 4, 5 and 6 (a quorum decides elections, epochs, establishment
 * and commits): the majority size and the commit point a quorum of durable positions allows.
 */
class QuorumTest {

  @Test
  void quorumIsAStrictMajorityOfVoters() {
    int[][] table = {{1, 1}, {2, 2}, {3, 2}, {4, 3}, {5, 3}, {6, 4}, {7, 4}};
    for (int[] row : table) {
      assertThat(Quorum.of(row[0])).as("Quorum.of(%d)", row[0]).isEqualTo(row[1]);
      assertThat(2 * Quorum.of(row[0])).as("two quorums intersect").isGreaterThan(row[0]);
    }
    assertThatThrownBy(() -> Quorum.of(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void agreedIsTheLargestZxidAQuorumHasReached() {
    assertThat(Quorum.agreed(new long[] {5, 3, 9}, 2)).isEqualTo(5);
    assertThat(Quorum.agreed(new long[] {5, 3, 9}, 3)).isEqualTo(3);
    assertThat(Quorum.agreed(new long[] {5, 3, 9}, 1)).isEqualTo(9);
    assertThat(Quorum.agreed(new long[] {7, 7, 1}, 2)).isEqualTo(7);
    assertThat(Quorum.agreed(new long[] {-1, 4}, 2)).isEqualTo(-1);
    assertThat(Quorum.agreed(new long[] {4}, 1)).isEqualTo(4);
    assertThat(Quorum.agreed(new long[] {1, 2, 3, 4, 5}, 3)).isEqualTo(3);
  }

  @Test
  void fewerPositionsThanAQuorumAgreeOnNothing() {
    assertThat(Quorum.agreed(new long[] {5}, 2)).isEqualTo(Long.MIN_VALUE);
    assertThat(Quorum.agreed(new long[] {}, 1)).isEqualTo(Long.MIN_VALUE);
    assertThatThrownBy(() -> Quorum.agreed(new long[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void agreedDoesNotReorderItsInput() {
    long[] in = {9, 3, 5};
    Quorum.agreed(in, 2);
    assertThat(in).containsExactly(9, 3, 5);
  }

  @Test
  void agreedMatchesTheBruteForceDefinition() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 5_000; i++) {
      long[] values = new long[r.nextInt(8)];
      for (int j = 0; j < values.length; j++) {
        values[j] = r.nextLong(-1, 6);
      }
      int q = 1 + r.nextInt(7);
      assertThat(Quorum.agreed(values, q))
          .as("seed %d, values %s, q %d", seed, Arrays.toString(values), q)
          .isEqualTo(bruteForce(values, q));
    }
  }

  /** The largest z such that at least q values are >= z; MIN_VALUE when there is none. */
  private static long bruteForce(long[] values, int q) {
    long best = Long.MIN_VALUE;
    for (long z : values) {
      int atLeast = 0;
      for (long v : values) {
        if (v >= z) {
          atLeast++;
        }
      }
      if (atLeast >= q && z > best) {
        best = z;
      }
    }
    return best;
  }
}
