package io.zabtx.replication.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2 rule 2: election votes are ordered lexicographically by (peerEpoch, lastZxid, sid).
 */
class VoteTest {

  private static Vote v(long leader, long zxid, long peerEpoch) {
    return new Vote(leader, zxid, peerEpoch);
  }

  @Test
  void votesAreOrderedByPeerEpochThenZxidThenSid() {
    Object[][] table = {
      // a, b, a.beats(b)
      {v(1, 0, 2), v(3, 0, 1), true}, // higher peerEpoch wins
      {v(1, 5, 1), v(3, 4, 1), true}, // same epoch: higher zxid wins
      {v(3, 5, 1), v(1, 5, 1), true}, // same epoch and zxid: higher sid wins
      {v(1, 5, 1), v(3, 5, 1), false},
      {v(1, 4, 1), v(3, 5, 1), false},
      {v(2, 7, 1), v(2, 7, 1), false}, // a vote never beats itself
    };
    for (Object[] row : table) {
      Vote a = (Vote) row[0];
      Vote b = (Vote) row[1];
      assertThat(a.beats(b)).as("%s beats %s", a, b).isEqualTo(row[2]);
    }
  }

  @Test
  void aHigherZxidLosesToAHigherPeerEpoch() {
    Vote newerEpoch = v(1, Zxid.make(1, 1), 3);
    Vote longerLog = v(3, Zxid.make(5, 100), 2);
    assertThat(newerEpoch.beats(longerLog)).isTrue();
    assertThat(longerLog.beats(newerEpoch)).isFalse();
  }

  @Test
  void theHigherSidBreaksATie() {
    assertThat(v(3, 9, 1).beats(v(2, 9, 1))).isTrue();
    assertThat(v(2, 9, 1).beats(v(3, 9, 1))).isFalse();
  }

  @Test
  void beatsIsAStrictTotalOrderMatchingTheLexicographicComparison() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 5_000; i++) {
      Vote a = v(r.nextLong(1, 4), r.nextLong(0, 4), r.nextLong(0, 3));
      Vote b = v(r.nextLong(1, 4), r.nextLong(0, 4), r.nextLong(0, 3));
      int cmp =
          a.peerEpoch() != b.peerEpoch()
              ? Long.compare(a.peerEpoch(), b.peerEpoch())
              : a.zxid() != b.zxid()
                  ? Long.compare(a.zxid(), b.zxid())
                  : Long.compare(a.leader(), b.leader());
      assertThat(a.beats(b)).as("seed %d: %s beats %s", seed, a, b).isEqualTo(cmp > 0);
      assertThat(a.beats(b) && b.beats(a)).as("seed %d: antisymmetric", seed).isFalse();
      if (!a.equals(b)) {
        assertThat(a.beats(b) || b.beats(a)).as("seed %d: total", seed).isTrue();
      }
    }
  }
}
