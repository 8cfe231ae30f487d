package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.config;
import static io.zabtx.replication.core.CoreDriver.entry;
import static io.zabtx.replication.core.CoreDriver.z;
import static io.zabtx.replication.core.Fixtures.S2;
import static io.zabtx.replication.core.Fixtures.broadcastingFollower;
import static io.zabtx.replication.core.Fixtures.electedLeader;
import static io.zabtx.replication.core.Fixtures.establishedLeader;
import static io.zabtx.replication.core.Fixtures.follower;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.replication.core.Message.Ack;
import io.zabtx.replication.core.Message.AckEpoch;
import io.zabtx.replication.core.Message.FollowerInfo;
import io.zabtx.replication.core.Message.LeaderInfo;
import io.zabtx.replication.core.Message.LocalSynced;
import io.zabtx.replication.core.Message.Notification;
import io.zabtx.replication.core.Message.Proposal;
import io.zabtx.replication.core.Message.SyncStart;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2: the handling of bad input ("the core validates everything it receives"), alongside
 * protocol rules 1 to 9; bad messages are dropped. Checked on single cores driven by hand-built
 * messages. Unless stated otherwise the ensemble is voters {1, 2, 3} with finalize wait 2, election
 * re-send 8, initLimit 60, syncLimit 12, ping 3.
 */
class BadInputTest {

  /** Everything observable about a core's state, for "no state change" checks. */
  private static List<Object> view(ZabCore c) {
    return List.of(
        c.role(),
        c.leaderId(),
        c.acceptedEpoch(),
        c.currentEpoch(),
        c.lastZxid(),
        c.commitZxid(),
        c.entries(),
        c.snapshot(),
        c.isEstablishedLeader());
  }

  @Test
  void badInput_aMessageNotAddressedToThisNodeIsDropped() {
    CoreDriver d = broadcastingFollower();
    long s = d.session();
    List<Object> before = view(d.core);

    assertThat(d.deliver(new Proposal(1, 3, s, 4, entry(1, 1))).isEmpty()).isTrue();
    assertThat(view(d.core)).isEqualTo(before);

    // The dropped message consumed nothing: the same seq, correctly addressed, is accepted.
    assertThat(d.deliver(new Proposal(1, 2, s, 4, entry(1, 1))).persist()).hasSize(1);
  }

  @Test
  void badInput_aMessageFromANonMemberIsDropped() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();
    long round = d.sent(Notification.class).get(0).round();
    List<Object> before = view(d.core);
    assertThat(d.deliver(d.looking(9, round, 9, z(9, 9), 9)).isEmpty()).isTrue();
    assertThat(d.deliver(new FollowerInfo(9, 1, 1, 0, 0, false)).isEmpty()).isTrue();
    assertThat(view(d.core)).isEqualTo(before);

    CoreDriver f = broadcastingFollower();
    List<Object> fBefore = view(f.core);
    assertThat(f.deliver(new Proposal(9, 2, f.session(), 4, entry(1, 1))).isEmpty()).isTrue();
    assertThat(view(f.core)).isEqualTo(fBefore);
  }

  @Test
  void badInput_aLeaderIgnoresMessagesForAnUnknownOrStaleSession() {
    CoreDriver d = electedLeader(config(1), DurableState.empty());
    List<Object> before = view(d.core);
    assertThat(d.deliver(new AckEpoch(2, 1, S2, 1, true, 0, 0, 0)).isEmpty())
        .as("no session with 2 yet")
        .isTrue();
    assertThat(view(d.core)).isEqualTo(before);

    d.deliver(new FollowerInfo(2, 1, S2, 0, 0, false));
    d.deliver(new FollowerInfo(2, 1, S2 + 1, 0, 0, false)); // a newer session replaces it
    List<Object> mid = view(d.core);
    assertThat(d.deliver(new AckEpoch(2, 1, S2, 1, true, 0, 0, 0)).isEmpty())
        .as("stale session")
        .isTrue();
    assertThat(view(d.core)).isEqualTo(mid);
    assertThat(d.sentEver(SyncStart.class)).isEmpty();

    d.deliver(new AckEpoch(2, 1, S2 + 1, 1, true, 0, 0, 0));
    assertThat(d.sent(SyncStart.class))
        .singleElement()
        .extracting(SyncStart::session)
        .isEqualTo(S2 + 1);
  }

  @Test
  void badInput_anEstablishedLeaderIgnoresAnAckForAnUnknownSession() {
    CoreDriver d = establishedLeader(config(1), DurableState.empty());
    d.propose("a");
    d.syncAll();
    List<Object> before = view(d.core);
    assertThat(d.deliver(new Ack(2, 1, S2 + 7, 3, z(1, 1))).isEmpty()).isTrue();
    assertThat(view(d.core)).isEqualTo(before);
  }

  @Test
  void badInput_aFollowerIgnoresMessagesForAStaleSessionOrFromANonLeader() {
    CoreDriver d = follower(2, 1, DurableState.empty());
    long s1 = d.session();
    List<Object> before = view(d.core);
    assertThat(d.deliver(new LeaderInfo(1, 2, s1 + 1, 0, 1)).isEmpty()).isTrue();
    assertThat(d.deliver(new LeaderInfo(3, 2, s1, 0, 1)).isEmpty())
        .as("3 is not the leader")
        .isTrue();
    assertThat(view(d.core)).isEqualTo(before);

    d.tickN(8); // no answer within the re-send interval: a new session is opened
    long s2 = d.session();
    assertThat(s2).isNotEqualTo(s1);
    assertThat(d.deliver(new LeaderInfo(1, 2, s1, 0, 1)).isEmpty()).as("stale session").isTrue();
    assertThat(d.core.acceptedEpoch()).isZero();

    d.deliver(new LeaderInfo(1, 2, s2, 0, 1));
    assertThat(d.sent(AckEpoch.class)).singleElement().extracting(AckEpoch::session).isEqualTo(s2);
  }

  @Test
  void badInput_aLocalNoteFromAnotherNodeIsDropped() {
    CoreDriver d = establishedLeader(config(1), DurableState.empty());
    d.propose("a");
    d.deliver(new Ack(2, 1, S2, 3, z(1, 1)));
    assertThat(d.deliver(new LocalSynced(2, 1, 1, z(1, 1), false)).isEmpty()).isTrue();
    assertThat(d.core.commitZxid()).isZero();
  }

  @Test
  void badInput_aLookingNodeIgnoresSessionMessages() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();
    List<Object> before = view(d.core);
    assertThat(d.deliver(new Proposal(2, 1, 5, 0, entry(1, 1))).isEmpty()).isTrue();
    assertThat(d.deliver(new LeaderInfo(2, 1, 5, 0, 1)).isEmpty()).isTrue();
    assertThat(view(d.core)).isEqualTo(before);
  }
}
