package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.config;
import static io.zabtx.replication.core.Fixtures.INIT_LIMIT;
import static io.zabtx.replication.core.Fixtures.S2;
import static io.zabtx.replication.core.Fixtures.SYNC_LIMIT;
import static io.zabtx.replication.core.Fixtures.broadcastingFollower;
import static io.zabtx.replication.core.Fixtures.electedLeader;
import static io.zabtx.replication.core.Fixtures.establishedLeader;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.replication.core.Message.Ping;
import io.zabtx.replication.core.Message.PingReply;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2 "Protocol rules (each one a test)", rule 7: the leader steps down when it has not
 * heard from a quorum within the sync limit; a learner gives up on a silent leader likewise;
 * checked on single cores driven by hand-built messages. Each test name starts with the rule it
 * checks. Unless stated otherwise the ensemble is voters {1, 2, 3} with finalize wait 2, election
 * re-send 8, initLimit 60, syncLimit 12, ping 3.
 */
class LivenessRulesTest {

  @Test
  void rule7_anEstablishedLeaderThatHearsNothingStepsDownWithinSyncLimitPlusOneTicks() {
    CoreDriver d = establishedLeader(config(1), DurableState.empty());
    for (int i = 1; i <= SYNC_LIMIT; i++) {
      d.tick();
      assertThat(d.core.role()).as("tick %d", i).isEqualTo(Role.LEADING);
    }
    Output o = d.tick();
    assertThat(o.roleChange()).isEqualTo(new Output.RoleChange(Role.LOOKING, -1, -1));
    assertThat(d.sentEver(Ping.class)).as("the leader pinged while it waited").isNotEmpty();
  }

  @Test
  void rule7_aLeaderThatHearsFromAQuorumKeepsLeading() {
    CoreDriver d = establishedLeader(config(1), DurableState.empty());
    long seq = 3;
    for (int i = 0; i < 5 * SYNC_LIMIT; i++) {
      d.tick();
      d.deliver(new PingReply(2, 1, S2, seq++)); // node 3 stays silent
    }
    assertThat(d.core.role()).isEqualTo(Role.LEADING);
    assertThat(d.core.isEstablishedLeader()).isTrue();
  }

  @Test
  void rule7_aLeaderNotEstablishedWithinInitLimitStepsDown() {
    CoreDriver d = electedLeader(config(1), DurableState.empty());
    d.tickN(INIT_LIMIT);
    assertThat(d.core.role()).isEqualTo(Role.LEADING);
    assertThat(d.tick().roleChange().role()).isEqualTo(Role.LOOKING);
  }

  @Test
  void rule7_aFollowerThatHearsNothingFromItsLeaderGoesLookingWithinSyncLimitPlusOneTicks() {
    CoreDriver d = broadcastingFollower();
    for (int i = 1; i <= SYNC_LIMIT; i++) {
      d.tick();
      assertThat(d.core.role()).as("tick %d", i).isEqualTo(Role.FOLLOWING);
    }
    Output o = d.tick();
    assertThat(o.roleChange()).isEqualTo(new Output.RoleChange(Role.LOOKING, -1, -1));
  }

  @Test
  void rule7_aFollowerThatIsPingedKeepsFollowingAndAnswers() {
    CoreDriver d = broadcastingFollower();
    long s = d.session();
    long seq = 4;
    for (int i = 0; i < 5 * SYNC_LIMIT; i++) {
      d.tick();
      if (i % 3 == 0) {
        d.deliver(new Ping(1, 2, s, seq++, 0));
        assertThat(d.sent(PingReply.class)).hasSize(1);
      }
    }
    assertThat(d.core.role()).isEqualTo(Role.FOLLOWING);
  }

  @Test
  void rule7_aFollowerThatLosesTheConnectionToItsLeaderGoesLookingAtOnce() {
    CoreDriver d = broadcastingFollower();
    Output o = d.peerLost(1);
    assertThat(o.roleChange()).isEqualTo(new Output.RoleChange(Role.LOOKING, -1, -1));
    assertThat(d.sent(Message.Notification.class)).as("it votes at once").isNotEmpty();
  }

  @Test
  void rule7_losingAnotherPeerChangesNothing() {
    CoreDriver follower = broadcastingFollower();
    assertThat(follower.peerLost(3).isEmpty()).isTrue();
    assertThat(follower.core.role()).isEqualTo(Role.FOLLOWING);

    CoreDriver leader = establishedLeader(config(1), DurableState.empty());
    assertThat(leader.peerLost(2).isEmpty()).isTrue();
    assertThat(leader.core.isEstablishedLeader())
        .as("the leader keeps leading; its quorum check decides")
        .isTrue();
  }

  @Test
  void rule7_aLookingNodeDoesNotJoinALeaderWhoseConnectionBrokeAfterItSaidItLeads() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();
    d.deliver(new Message.Notification(2, 1, Role.LEADING, 1, 2, 0, 1));
    d.peerLost(2); // the leader was killed after its report left
    Output o = d.deliver(new Message.Notification(3, 1, Role.FOLLOWING, 1, 2, 0, 1));
    assertThat(o.roleChange())
        .as("a quorum follows 2, but 2's own report predates its loss")
        .isNull();
    assertThat(d.core.role()).isEqualTo(Role.LOOKING);

    d.deliver(new Message.Notification(2, 1, Role.LEADING, 1, 2, 0, 1)); // 2 is back and says so
    assertThat(d.core.role()).isEqualTo(Role.FOLLOWING);
    assertThat(d.core.leaderId()).isEqualTo(2);
  }

  @Test
  void rule7_aLookingNodeThatVotesForALostPeerVotesForItselfInANewRound() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();
    d.deliver(new Message.Notification(2, 1, Role.LOOKING, 1, 2, Zxid.make(1, 5), 1));
    assertThat(d.sent(Message.Notification.class)).allMatch(n -> n.leader() == 2);

    d.peerLost(2);
    var votes = d.sent(Message.Notification.class);
    assertThat(votes).isNotEmpty().allMatch(n -> n.leader() == 1 && n.round() == 2);
    d.deliver(new Message.Notification(3, 1, Role.LOOKING, 2, 1, 0, 0));
    d.tickN(2); // the finalize wait
    assertThat(d.core.role()).as("1 and 3 elect without the lost peer").isEqualTo(Role.LEADING);
  }
}
