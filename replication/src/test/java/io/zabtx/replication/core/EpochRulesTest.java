package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.config;
import static io.zabtx.replication.core.CoreDriver.entries;
import static io.zabtx.replication.core.CoreDriver.state;
import static io.zabtx.replication.core.CoreDriver.z;
import static io.zabtx.replication.core.Fixtures.INIT_LIMIT;
import static io.zabtx.replication.core.Fixtures.S2;
import static io.zabtx.replication.core.Fixtures.S3;
import static io.zabtx.replication.core.Fixtures.SYNC_LIMIT;
import static io.zabtx.replication.core.Fixtures.electedLeader;
import static io.zabtx.replication.core.Fixtures.establishedLeader;
import static io.zabtx.replication.core.Fixtures.follower;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.zabtx.replication.core.Message.AckEpoch;
import io.zabtx.replication.core.Message.FollowerInfo;
import io.zabtx.replication.core.Message.LeaderInfo;
import io.zabtx.replication.core.Message.Notification;
import io.zabtx.replication.core.Message.Proposal;
import io.zabtx.replication.core.Message.SyncMode;
import io.zabtx.replication.core.Message.SyncStart;
import io.zabtx.replication.core.Output.Send;
import io.zabtx.replication.core.PersistOp.SetAcceptedEpoch;
import io.zabtx.replication.core.PersistOp.SetCurrentEpoch;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2 "Protocol rules (each one a test)", rules 1, 3 and 4, on zxids and epochs, checked on
 * single cores driven by hand-built messages. Each test name starts with the rule it checks. Unless
 * stated otherwise the ensemble is voters {1, 2, 3} with finalize wait 2, election re-send 8,
 * initLimit 60, syncLimit 12, ping 3.
 */
class EpochRulesTest {

  // ---------------------------------------------------------------------------------------------
  // Rule 1: zxid = epoch<<32 | counter; counter exhaustion forces a new election.
  // ---------------------------------------------------------------------------------------------

  @Test
  void rule1_anExhaustedCounterMakesTheLeaderRefuseTheProposalAndLookAgain() {
    CoreDriver d = establishedLeader(config(1).withMaxCounter(2), DurableState.empty());
    assertThat(d.propose("a").proposedZxid()).isEqualTo(z(1, 1));
    assertThat(d.propose("b").proposedZxid()).isEqualTo(z(1, 2));

    Output o = d.propose("c");
    assertThat(o.proposedZxid()).isEqualTo(-1);
    assertThat(o.persist()).isEmpty();
    assertThat(o.messages()).map(Send::message).noneMatch(Proposal.class::isInstance);
    assertThat(o.roleChange()).isNotNull();
    assertThat(o.roleChange().role()).isEqualTo(Role.LOOKING);
    assertThat(d.core.role()).isEqualTo(Role.LOOKING);
    assertThat(d.core.lastZxid()).isEqualTo(z(1, 2));
  }

  @Test
  void rule1_proposalsOfAnEpochNumberTheCounterFromOne() {
    CoreDriver d = establishedLeader(config(1), state(2, 2, entries(2, 1, 3)));
    // Epoch 3 (max accepted 2 + 1); the history of epoch 2 does not continue the counter.
    assertThat(d.propose("a").proposedZxid()).isEqualTo(z(3, 1));
    assertThat(d.propose("b").proposedZxid()).isEqualTo(z(3, 2));
  }

  // ---------------------------------------------------------------------------------------------
  // Rule 3: acceptedEpoch (never ack two leaders of one epoch) and currentEpoch, persisted before
  // the message that depends on them is sent.
  // ---------------------------------------------------------------------------------------------

  @Test
  void rule3_aFollowerPersistsANewAcceptedEpochBeforeItsFreshAckEpochLeaves() {
    CoreDriver d = follower(2, 1, DurableState.empty());
    long s = d.session();

    Output o = d.deliver(new LeaderInfo(1, 2, s, 0, 1));

    assertThat(o.persist()).containsExactly(new SetAcceptedEpoch(1));
    assertThat(o.messages())
        .containsExactly(new Send(new AckEpoch(2, 1, s, 1, true, 0, 0, 0), true));
    assertThat(d.core.acceptedEpoch()).isEqualTo(1);
  }

  @Test
  void rule3_aFollowerNeverAcksTwoLeadersOfOneEpochAsFresh() {
    CoreDriver d = follower(3, 1, DurableState.empty());
    long s1 = d.session();
    d.deliver(new LeaderInfo(1, 3, s1, 0, 1));
    assertThat(d.sent(AckEpoch.class)).singleElement().extracting(AckEpoch::fresh).isEqualTo(true);

    // Leader 1 gives up (it reports LOOKING); node 2 now leads and proposes the same epoch 1.
    d.deliver(new Notification(1, 3, Role.LOOKING, 7, 1, 0, 0));
    assertThat(d.core.role()).isEqualTo(Role.LOOKING);
    d.deliver(d.following(1, 2));
    d.deliver(d.leading(2));
    assertThat(d.core.leaderId()).isEqualTo(2);
    long s2 = d.session();

    Output o = d.deliver(new LeaderInfo(2, 3, s2, 0, 1));

    assertThat(o.persist()).isEmpty();
    assertThat(d.sent(AckEpoch.class))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.to()).isEqualTo(2);
              assertThat(a.session()).isEqualTo(s2);
              assertThat(a.fresh()).as("an epoch already promised to leader 1").isFalse();
            });
  }

  @Test
  void rule3_aFollowerJoinsAnEpochItAlreadyAcceptedWithoutCountingTowardsIt() {
    CoreDriver d = follower(2, 1, state(4, 3, List.of()));
    long s = d.session();
    Output o = d.deliver(new LeaderInfo(1, 2, s, 0, 4));
    assertThat(o.persist()).isEmpty();
    assertThat(d.sent(AckEpoch.class))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.fresh()).isFalse();
              assertThat(a.currentEpoch()).isEqualTo(3);
            });
  }

  @Test
  void rule3_aNonFreshAckEpochDoesNotCountTowardsTheEpochQuorum() {
    CoreDriver d = electedLeader(config(1), DurableState.empty());
    d.deliver(new FollowerInfo(2, 1, S2, 0, 0, false)); // quorum {1, 2}: epoch 1
    assertThat(d.sent(LeaderInfo.class)).containsExactly(new LeaderInfo(1, 2, S2, 0, 1));

    d.deliver(new AckEpoch(2, 1, S2, 1, false, 0, 0, 0));
    assertThat(d.sentEver(SyncStart.class)).isEmpty();
    assertThat(d.persistedEver()).doesNotContain(new SetCurrentEpoch(1));

    d.deliver(new FollowerInfo(3, 1, S3, 0, 0, false));
    assertThat(d.sent(LeaderInfo.class)).containsExactly(new LeaderInfo(1, 3, S3, 0, 1));
    assertThat(d.sentEver(SyncStart.class)).isEmpty();

    d.deliver(new AckEpoch(3, 1, S3, 1, true, 0, 0, 0)); // fresh quorum {1, 3}
    assertThat(d.sent(SyncStart.class)).extracting(SyncStart::to).containsExactlyInAnyOrder(2L, 3L);
  }

  // ---------------------------------------------------------------------------------------------
  // Rule 4: new epoch = max(acceptedEpoch of a quorum incl. leader) + 1; a follower accepts only a
  // strictly greater epoch; a leader that learns of a newer (currentEpoch, lastZxid) steps down.
  // ---------------------------------------------------------------------------------------------

  @Test
  void rule4_theNewEpochIsOneAboveTheHighestAcceptedEpochOfTheQuorumIncludingTheLeader() {
    long[][] cases = { // leader's acceptedEpoch, follower's acceptedEpoch, expected epoch
      {0, 0, 1}, {3, 5, 6}, {7, 5, 8}, {4, 4, 5}
    };
    for (long[] c : cases) {
      CoreDriver d = electedLeader(config(1), state(c[0], 0, List.of()));
      Output o = d.deliver(new FollowerInfo(2, 1, S2, 0, c[1], false));
      assertThat(o.persist())
          .as("case %s", List.of(c[0], c[1]))
          .containsExactly(new SetAcceptedEpoch(c[2]));
      assertThat(o.messages())
          .as("LEADERINFO leaves only once the promise is durable")
          .containsExactly(new Send(new LeaderInfo(1, 2, S2, 0, c[2]), true));
    }
  }

  @Test
  void rule4_theEpochIsDecidedOnlyOnceAQuorumReported() {
    Set<Long> five = Set.of(1L, 2L, 3L, 4L, 5L);
    ZabConfig c = ZabConfig.of(1, five, Set.of()).withTicks(2, 8, INIT_LIMIT, SYNC_LIMIT, 3);
    CoreDriver d = electedLeader(c, DurableState.empty());

    Output first = d.deliver(new FollowerInfo(2, 1, S2, 0, 9, false));
    assertThat(first.isEmpty()).as("2 of 5 is no quorum").isTrue();

    Output second = d.deliver(new FollowerInfo(3, 1, S3, 0, 2, false));
    assertThat(second.persist()).containsExactly(new SetAcceptedEpoch(10));
    assertThat(d.sent(LeaderInfo.class))
        .extracting(LeaderInfo::to, LeaderInfo::epoch)
        .containsExactlyInAnyOrder(tuple(2L, 10L), tuple(3L, 10L));
  }

  @Test
  void rule4_aFollowerAcceptsOnlyAStrictlyGreaterEpoch() {
    CoreDriver d = follower(2, 1, state(5, 0, List.of()));
    long s = d.session();

    Output o = d.deliver(new LeaderInfo(1, 2, s, 0, 3));

    assertThat(o.roleChange()).isNotNull();
    assertThat(o.roleChange().role()).isEqualTo(Role.LOOKING);
    assertThat(o.persist()).isEmpty();
    assertThat(d.sentEver(AckEpoch.class)).isEmpty();
    assertThat(d.core.acceptedEpoch()).isEqualTo(5);
  }

  @Test
  void rule4_aLeaderThatLearnsOfANewerHistoryBeforeSyncStepsDown() {
    record Case(DurableState leader, long ackCurrentEpoch, long ackLastZxid) {}
    List<Case> cases =
        List.of(
            new Case(DurableState.empty(), 1, 0), // newer current epoch
            new Case(state(1, 1, entries(1, 1, 2)), 1, z(1, 3)), // same epoch, longer history
            new Case(state(1, 1, entries(1, 1, 3)), 2, z(1, 2))); // epoch beats a longer log
    for (Case c : cases) {
      CoreDriver d = electedLeader(config(1), c.leader());
      long acc = c.leader().acceptedEpoch();
      d.deliver(new FollowerInfo(2, 1, S2, 0, Math.max(acc, c.ackCurrentEpoch()), false));

      Output o =
          d.deliver(new AckEpoch(2, 1, S2, 1, true, c.ackCurrentEpoch(), c.ackLastZxid(), 0));

      assertThat(o.roleChange()).as("%s", c).isNotNull();
      assertThat(o.roleChange().role()).as("%s", c).isEqualTo(Role.LOOKING);
      assertThat(d.core.role()).isEqualTo(Role.LOOKING);
      assertThat(d.sentEver(SyncStart.class)).as("%s", c).isEmpty();
    }
  }

  @Test
  void rule4_aLeaderWithTheNewerHistoryGoesOnToSync() {
    CoreDriver d = electedLeader(config(1), state(1, 1, entries(1, 1, 2)));
    d.deliver(new FollowerInfo(2, 1, S2, 0, 1, false));
    d.deliver(new AckEpoch(2, 1, S2, 1, true, 1, z(1, 1), 0));
    assertThat(d.core.role()).isEqualTo(Role.LEADING);
    assertThat(d.sent(SyncStart.class))
        .singleElement()
        .extracting(SyncStart::mode)
        .isEqualTo(SyncMode.DIFF);
  }
}
