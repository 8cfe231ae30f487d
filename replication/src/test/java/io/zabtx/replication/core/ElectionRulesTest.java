package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.config;
import static io.zabtx.replication.core.CoreDriver.entries;
import static io.zabtx.replication.core.CoreDriver.state;
import static io.zabtx.replication.core.CoreDriver.z;
import static io.zabtx.replication.core.Fixtures.INIT_LIMIT;
import static io.zabtx.replication.core.Fixtures.SYNC_LIMIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.replication.core.Message.FollowerInfo;
import io.zabtx.replication.core.Message.Notification;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2 "Protocol rules (each one a test)", rule 2: votes ordered by (peerEpoch, lastZxid,
 * sid); decide when a quorum agrees and no better vote arrives within the finalize wait; LOOKING
 * peers learn an established leader; checked on single cores driven by hand-built messages. Each
 * test name starts with the rule it checks. Unless stated otherwise the ensemble is voters {1, 2,
 * 3} with finalize wait 2, election re-send 8, initLimit 60, syncLimit 12, ping 3.
 */
class ElectionRulesTest {

  @Test
  void rule2_aLookingNodeStartsByVotingForItself() {
    CoreDriver d = new CoreDriver(config(1), state(1, 1, entries(1, 1, 3)));
    Output o = d.start();
    assertThat(o.roleChange()).isEqualTo(new Output.RoleChange(Role.LOOKING, -1, -1));
    assertThat(d.sent(Notification.class))
        .extracting(Notification::to)
        .containsExactlyInAnyOrder(2L, 3L);
    assertThat(d.sent(Notification.class))
        .allSatisfy(
            n -> {
              assertThat(n.state()).isEqualTo(Role.LOOKING);
              assertThat(n.leader()).isEqualTo(1);
              assertThat(n.zxid()).isEqualTo(z(1, 3));
              assertThat(n.peerEpoch()).isEqualTo(1);
            });
  }

  @Test
  void rule2_aLookingNodeAdoptsABetterVoteAndRebroadcastsIt() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();
    long round = d.sent(Notification.class).get(0).round();

    d.deliver(d.looking(2, round, 3, z(1, 5), 1));

    List<Notification> sent = d.sent(Notification.class);
    assertThat(sent).extracting(Notification::to).containsExactlyInAnyOrder(2L, 3L);
    assertThat(sent)
        .allSatisfy(
            n -> {
              assertThat(n.state()).isEqualTo(Role.LOOKING);
              assertThat(n.round()).isEqualTo(round);
              assertThat(n.leader()).isEqualTo(3);
              assertThat(n.zxid()).isEqualTo(z(1, 5));
              assertThat(n.peerEpoch()).isEqualTo(1);
            });
  }

  @Test
  void rule2_aLookingNodeKeepsItsVoteAgainstAWorseOne() {
    CoreDriver d = new CoreDriver(config(1), state(1, 1, entries(1, 1, 3)));
    d.start();
    long round = d.sent(Notification.class).get(0).round();

    Output o = d.deliver(d.looking(2, round, 2, z(1, 1), 1));

    assertThat(d.sent(Notification.class)).isEmpty();
    assertThat(o.roleChange()).isNull();
  }

  @Test
  void rule2_aLookingNodeJoinsANewerRoundWithTheBetterOfTheVotes() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();
    long round = d.sent(Notification.class).get(0).round();

    d.deliver(d.looking(2, round + 4, 2, 0, 0));

    assertThat(d.sent(Notification.class))
        .isNotEmpty()
        .allSatisfy(
            n -> {
              assertThat(n.round()).isEqualTo(round + 4);
              assertThat(n.leader()).isEqualTo(2);
            });
  }

  @Test
  void rule2_aLookingNodeDecidesOnlyAfterTheFinalizeWaitOnceAQuorumAgrees() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();
    long round = d.sent(Notification.class).get(0).round();

    Output agreed = d.deliver(d.looking(2, round, 1, 0, 0));
    assertThat(agreed.roleChange()).isNull();
    assertThat(d.tick().roleChange()).isNull();
    assertThat(d.core.role()).isEqualTo(Role.LOOKING);

    Output decided = d.tick(); // finalize wait (2 ticks) over
    assertThat(decided.roleChange()).isEqualTo(new Output.RoleChange(Role.LEADING, 1, -1));
    assertThat(d.core.role()).isEqualTo(Role.LEADING);
  }

  @Test
  void rule2_withoutAQuorumALookingNodeNeverDecides() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();
    d.tickN(100);
    assertThat(d.core.role()).isEqualTo(Role.LOOKING);
    assertThat(d.sentEver(Notification.class).size()).as("votes are re-sent").isGreaterThan(2);
  }

  @Test
  void rule2_aBetterVoteWithinTheFinalizeWaitRestartsIt() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();
    long round = d.sent(Notification.class).get(0).round();
    d.deliver(d.looking(2, round, 1, 0, 0)); // quorum {1, 2} for node 1
    d.tick();

    d.deliver(d.looking(3, round, 3, z(1, 1), 1)); // better: quorum {1, 3} for node 3
    assertThat(d.tick().roleChange()).as("the first finalize deadline passed").isNull();
    assertThat(d.core.role()).isEqualTo(Role.LOOKING);

    Output decided = d.tick();
    assertThat(decided.roleChange()).isEqualTo(new Output.RoleChange(Role.FOLLOWING, 3, -1));
  }

  @Test
  void rule2_aLookingNodeJoinsALeaderReportedByAQuorumAndByTheLeaderItself() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();

    assertThat(d.deliver(d.following(2, 3)).roleChange()).isNull();
    Output o = d.deliver(d.leading(3));

    assertThat(o.roleChange()).isEqualTo(new Output.RoleChange(Role.FOLLOWING, 3, -1));
    assertThat(d.sent(FollowerInfo.class))
        .singleElement()
        .satisfies(
            fi -> {
              assertThat(fi.to()).isEqualTo(3);
              assertThat(fi.seq()).isZero();
              assertThat(fi.observer()).isFalse();
            });
  }

  @Test
  void rule2_theLeadersOwnLeadingReportAloneIsNotAQuorum() {
    CoreDriver d = new CoreDriver(config(1), DurableState.empty());
    d.start();
    d.deliver(d.leading(3));
    assertThat(d.core.role()).isEqualTo(Role.LOOKING);
    assertThat(d.sentEver(FollowerInfo.class)).isEmpty();
  }

  @Test
  void rule2_aLookingNodeDoesNotJoinALeaderWhoseOwnLeadingReportIsMissing() {
    Set<Long> five = Set.of(1L, 2L, 3L, 4L, 5L);
    ZabConfig c = ZabConfig.of(1, five, Set.of()).withTicks(2, 8, INIT_LIMIT, SYNC_LIMIT, 3);
    CoreDriver d = new CoreDriver(c, DurableState.empty());
    d.start();

    d.deliver(d.following(2, 3));
    d.deliver(d.following(4, 3));
    d.deliver(d.following(5, 3)); // a quorum (3 of 5) follows 3, but 3 has not said it leads
    assertThat(d.core.role()).isEqualTo(Role.LOOKING);
    assertThat(d.sentEver(FollowerInfo.class)).isEmpty();

    d.deliver(d.leading(3));
    assertThat(d.core.role()).isEqualTo(Role.FOLLOWING);
    assertThat(d.core.leaderId()).isEqualTo(3);
  }
}
