package io.zabtx.replication.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2 rule 1: a zxid is {@code epoch << 32 | counter}, so the zxids of a later epoch sort
 * after every zxid of an earlier one.
 */
class ZxidTest {

  @Test
  void makeEpochOfAndCounterOfRoundTrip() {
    long[][] cases = {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {7, 42}, {0x7FFF_FFFFL, Zxid.MAX_COUNTER}};
    for (long[] c : cases) {
      long z = Zxid.make(c[0], c[1]);
      assertThat(Zxid.epochOf(z)).as("epoch of %s", Zxid.format(z)).isEqualTo(c[0]);
      assertThat(Zxid.counterOf(z)).as("counter of %s", Zxid.format(z)).isEqualTo(c[1]);
      assertThat(z).isEqualTo((c[0] << 32) | c[1]);
      assertThat(new Zxid(z).epoch()).isEqualTo(c[0]);
      assertThat(new Zxid(z).counter()).isEqualTo(c[1]);
    }
  }

  @Test
  void randomEpochsAndCountersRoundTrip() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 10_000; i++) {
      long e = r.nextLong(0x8000_0000L);
      long c = r.nextLong(Zxid.MAX_COUNTER + 1);
      long z = Zxid.make(e, c);
      assertThat(Zxid.epochOf(z)).as("seed %d", seed).isEqualTo(e);
      assertThat(Zxid.counterOf(z)).as("seed %d", seed).isEqualTo(c);
      assertThat(z).as("seed %d: zxids are non-negative", seed).isNotNegative();
    }
  }

  @Test
  void outOfRangeEpochOrCounterIsRejected() {
    assertThatThrownBy(() -> Zxid.make(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Zxid.make(0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Zxid.make(0, Zxid.MAX_COUNTER + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Zxid.make(0x8000_0000L, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Zxid.MAX_COUNTER).isEqualTo((1L << 32) - 1);
  }

  @Test
  void everyZxidOfALaterEpochSortsAfterEveryZxidOfAnEarlierOne() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 10_000; i++) {
      long e = r.nextLong(0x7FFF_FFFFL);
      long low = Zxid.make(e, r.nextLong(Zxid.MAX_COUNTER + 1));
      long high = Zxid.make(e + 1, r.nextLong(Zxid.MAX_COUNTER + 1));
      assertThat(high).as("seed %d", seed).isGreaterThan(low);
      assertThat(new Zxid(high)).as("seed %d", seed).isGreaterThan(new Zxid(low));
    }
    assertThat(Zxid.make(5, 0)).isGreaterThan(Zxid.make(4, Zxid.MAX_COUNTER));
  }

  @Test
  void withinAnEpochTheCounterOrdersZxids() {
    assertThat(Zxid.make(3, 2)).isGreaterThan(Zxid.make(3, 1));
    assertThat(new Zxid(Zxid.make(3, 1)).compareTo(new Zxid(Zxid.make(3, 2)))).isNegative();
    assertThat(new Zxid(Zxid.make(3, 1)).compareTo(new Zxid(Zxid.make(3, 1)))).isZero();
  }

  @Test
  void formatIsHexEpochColonDecimalCounter() {
    assertThat(Zxid.format(Zxid.make(0x1a, 15))).isEqualTo("1a:15");
    assertThat(Zxid.format(Zxid.ZERO)).isEqualTo("0:0");
    assertThat(new Zxid(Zxid.make(2, 7)).toString()).isEqualTo("2:7");
  }
}
