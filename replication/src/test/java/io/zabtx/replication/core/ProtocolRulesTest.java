package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.VOTERS;
import static io.zabtx.replication.core.CoreDriver.config;
import static io.zabtx.replication.core.CoreDriver.entries;
import static io.zabtx.replication.core.CoreDriver.entry;
import static io.zabtx.replication.core.CoreDriver.state;
import static io.zabtx.replication.core.CoreDriver.z;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.zabtx.replication.core.Message.Ack;
import io.zabtx.replication.core.Message.AckEpoch;
import io.zabtx.replication.core.Message.AckNewLeader;
import io.zabtx.replication.core.Message.Commit;
import io.zabtx.replication.core.Message.FollowerInfo;
import io.zabtx.replication.core.Message.Inform;
import io.zabtx.replication.core.Message.LeaderInfo;
import io.zabtx.replication.core.Message.LocalSynced;
import io.zabtx.replication.core.Message.NewLeader;
import io.zabtx.replication.core.Message.Notification;
import io.zabtx.replication.core.Message.Ping;
import io.zabtx.replication.core.Message.PingReply;
import io.zabtx.replication.core.Message.Proposal;
import io.zabtx.replication.core.Message.SyncEntries;
import io.zabtx.replication.core.Message.SyncMode;
import io.zabtx.replication.core.Message.SyncStart;
import io.zabtx.replication.core.Message.UpToDate;
import io.zabtx.replication.core.Output.Send;
import io.zabtx.replication.core.PersistOp.Append;
import io.zabtx.replication.core.PersistOp.InstallSnapshot;
import io.zabtx.replication.core.PersistOp.SetAcceptedEpoch;
import io.zabtx.replication.core.PersistOp.SetCurrentEpoch;
import io.zabtx.replication.core.PersistOp.Truncate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2 "Protocol rules (each one a test)", rules 1 to 9, checked on single cores driven by
 * hand-built messages, plus the handling of bad input ("the core validates everything it
 * receives"). Each test name starts with the rule it checks. Unless stated otherwise the ensemble
 * is voters {1, 2, 3} with finalize wait 2, election re-send 8, initLimit 60, syncLimit 12, ping 3.
 */
class ProtocolRulesTest {

  private static final long S2 = 0x2222;
  private static final long S3 = 0x3333;
  private static final long S4 = 0x4444;
  private static final int SYNC_LIMIT = 12;
  private static final int INIT_LIMIT = 60;

  // ---------------------------------------------------------------------------------------------
  // Scenario helpers
  // ---------------------------------------------------------------------------------------------

  /** Node 1 starts LOOKING, every other voter echoes its vote, the finalize wait passes. */
  private static CoreDriver electedLeader(ZabConfig config, DurableState state) {
    CoreDriver d = new CoreDriver(config, state);
    d.start();
    Notification own = d.sent(Notification.class).get(0);
    for (long v : config.voters()) {
      if (v != config.sid()) {
        d.deliver(d.looking(v, own.round(), own.leader(), own.zxid(), own.peerEpoch()));
      }
    }
    d.tickN(config.finalizeWaitTicks());
    assertThat(d.core.role()).isEqualTo(Role.LEADING);
    return d;
  }

  /**
   * Node 1 elected, then followers 2 and 3 (sessions S2 and S3, empty logs, acceptedEpoch 0) go
   * through discovery and sync, and node 1's own fsync is reported. Each follower's next message
   * seq is 3; the leader's next seq to each is 3 + number of SyncEntries batches + 1.
   */
  private static CoreDriver establishedLeader(ZabConfig config, DurableState state) {
    CoreDriver d = electedLeader(config, state);
    d.deliver(new FollowerInfo(2, 1, S2, 0, 0, false));
    d.deliver(new FollowerInfo(3, 1, S3, 0, 0, false));
    long epoch = d.sentEver(LeaderInfo.class).get(0).epoch();
    d.deliver(new AckEpoch(2, 1, S2, 1, true, 0, 0, 0));
    d.deliver(new AckEpoch(3, 1, S3, 1, true, 0, 0, 0));
    long last = d.core.lastZxid();
    d.deliver(new AckNewLeader(2, 1, S2, 2, epoch, last));
    d.deliver(new AckNewLeader(3, 1, S3, 2, epoch, last));
    d.syncAll();
    assertThat(d.core.isEstablishedLeader()).isTrue();
    return d;
  }

  /**
   * Node {@code sid} starts LOOKING and joins {@code leader}, which reports LEADING while the third
   * voter reports FOLLOWING it. The FOLLOWERINFO has been sent; {@link CoreDriver#session()}.
   */
  private static CoreDriver follower(long sid, long leader, DurableState state) {
    CoreDriver d = new CoreDriver(config(sid), state);
    d.start();
    d.deliver(d.following(6 - sid - leader, leader));
    d.deliver(d.leading(leader));
    assertThat(d.core.role()).isEqualTo(Role.FOLLOWING);
    assertThat(d.core.leaderId()).isEqualTo(leader);
    return d;
  }

  /**
   * Node 2, empty log, follows leader 1 in epoch 1 and is in broadcast. The leader's next seq is 4;
   * the follower's own next seq is 3.
   */
  private static CoreDriver broadcastingFollower() {
    CoreDriver d = follower(2, 1, DurableState.empty());
    long s = d.session();
    d.deliver(new LeaderInfo(1, 2, s, 0, 1));
    d.deliver(new SyncStart(1, 2, s, 1, SyncMode.DIFF, -1, null));
    d.deliver(new NewLeader(1, 2, s, 2, 1, 0));
    d.deliver(new UpToDate(1, 2, s, 3, 0));
    assertThat(d.core.currentEpoch()).isEqualTo(1);
    return d;
  }

  private static ZabConfig withObserver(long sid) {
    return ZabConfig.of(sid, VOTERS, Set.of(4L)).withTicks(2, 8, INIT_LIMIT, SYNC_LIMIT, 3);
  }

  /** Node 4, an observer of voters {1,2,3}, joined leader 1; its FOLLOWERINFO has been sent. */
  private static CoreDriver observer() {
    CoreDriver d = new CoreDriver(withObserver(4), DurableState.empty());
    d.start();
    d.deliver(d.following(2, 1));
    d.deliver(d.leading(1));
    assertThat(d.core.role()).isEqualTo(Role.OBSERVING);
    return d;
  }

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

  private static List<Message> to(Output o, long sid) {
    return o.messages().stream().map(Send::message).filter(m -> m.to() == sid).toList();
  }

  private static boolean noPersist(List<Output> outs) {
    return outs.stream().allMatch(o -> o.persist().isEmpty() && o.restore() == null);
  }

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
  // Rule 2: votes ordered by (peerEpoch, lastZxid, sid); decide when a quorum agrees and no better
  // vote arrives within the finalize wait; LOOKING peers learn an established leader.
  // ---------------------------------------------------------------------------------------------

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

  // ---------------------------------------------------------------------------------------------
  // Rule 5: DIFF/TRUNC/SNAP per follower; NEWLEADER only after the whole payload; the follower acks
  // NEWLEADER only once the history and currentEpoch are durable; proposals between NEWLEADER and
  // its ACK are kept and honoured.
  // ---------------------------------------------------------------------------------------------

  @Test
  void rule5_theLeaderSendsSyncStartThenTheEntriesThenNewLeaderLast() {
    ZabConfig c = config(1).withLimits(10_000, 1, 10_000); // one entry per SyncEntries
    CoreDriver d = electedLeader(c, state(1, 1, entries(1, 1, 3)));
    d.deliver(new FollowerInfo(2, 1, S2, 0, 1, false)); // epoch 2

    Output o = d.deliver(new AckEpoch(2, 1, S2, 1, true, 1, z(1, 1), 0));

    assertThat(to(o, 2))
        .containsExactly(
            new SyncStart(1, 2, S2, 1, SyncMode.DIFF, -1, null),
            new SyncEntries(1, 2, S2, 2, List.of(entry(1, 2))),
            new SyncEntries(1, 2, S2, 3, List.of(entry(1, 3))),
            new NewLeader(1, 2, S2, 4, 2, z(1, 3)));
    // The leader adopts the epoch itself and counts its own NEWLEADER ack only after its fsync.
    assertThat(o.persist()).containsExactly(new SetCurrentEpoch(2));
    assertThat(o.messages()).contains(new Send(new LocalSynced(1, 1, 1, z(1, 3), true), true));
  }

  @Test
  void rule5_theLeaderIsEstablishedOnlyOnceAQuorumIncludingItsOwnFsyncAckedNewLeader() {
    CoreDriver d = electedLeader(config(1), DurableState.empty());
    d.deliver(new FollowerInfo(2, 1, S2, 0, 0, false));
    d.deliver(new AckEpoch(2, 1, S2, 1, true, 0, 0, 0));

    Output acked = d.deliver(new AckNewLeader(2, 1, S2, 2, 1, 0));
    assertThat(acked.establishedEpoch()).isEqualTo(-1);
    assertThat(d.core.isEstablishedLeader()).as("own fsync not reported yet").isFalse();
    assertThat(d.propose("x").proposedZxid()).isEqualTo(-1);

    Output synced = d.syncAll().get(0);
    assertThat(synced.establishedEpoch()).isEqualTo(1);
    assertThat(synced.roleChange()).isEqualTo(new Output.RoleChange(Role.LEADING, 1, 1));
    assertThat(to(synced, 2)).containsExactly(new UpToDate(1, 2, S2, 3, 0));
  }

  @Test
  void rule5_theLeadersOwnFsyncAloneDoesNotEstablishIt() {
    CoreDriver d = electedLeader(config(1), DurableState.empty());
    d.deliver(new FollowerInfo(2, 1, S2, 0, 0, false));
    d.deliver(new AckEpoch(2, 1, S2, 1, true, 0, 0, 0));
    d.syncAll();
    assertThat(d.core.isEstablishedLeader()).isFalse();

    Output o = d.deliver(new AckNewLeader(2, 1, S2, 2, 1, 0));
    assertThat(o.establishedEpoch()).isEqualTo(1);
  }

  @Test
  void rule5_aFollowerAppliesATruncSyncAtNewLeaderWithSetCurrentEpochLastAndAcksAfterSync() {
    CoreDriver d = follower(2, 1, state(1, 1, entries(1, 1, 4)));
    long s = d.session();
    d.deliver(new LeaderInfo(1, 2, s, 0, 3));

    assertThat(d.deliver(new SyncStart(1, 2, s, 1, SyncMode.TRUNC, z(1, 3), null)).isEmpty())
        .as("the sync is buffered until NEWLEADER")
        .isTrue();
    assertThat(d.deliver(new SyncEntries(1, 2, s, 2, entries(2, 1, 2))).isEmpty()).isTrue();
    Output o = d.deliver(new NewLeader(1, 2, s, 3, 3, z(2, 2)));

    assertThat(o.persist())
        .containsExactly(
            new Truncate(z(1, 3)),
            new Append(entry(2, 1)),
            new Append(entry(2, 2)),
            new SetCurrentEpoch(3));
    assertThat(o.messages())
        .containsExactly(new Send(new AckNewLeader(2, 1, s, 2, 3, z(2, 2)), true));
    assertThat(d.core.entries())
        .containsExactly(entry(1, 1), entry(1, 2), entry(1, 3), entry(2, 1), entry(2, 2));
    assertThat(d.core.currentEpoch()).isEqualTo(3);
  }

  @Test
  void rule5_aFollowerInstallsASnapSyncWithItsEntriesAtomicallyAndSetCurrentEpochLast() {
    CoreDriver d = follower(2, 1, state(1, 1, entries(1, 1, 2)));
    long s = d.session();
    d.deliver(new LeaderInfo(1, 2, s, 0, 3));
    Snapshot snap = new Snapshot(z(2, 5), new byte[] {1, 2, 3});
    d.deliver(new SyncStart(1, 2, s, 1, SyncMode.SNAP, -1, snap));
    d.deliver(new SyncEntries(1, 2, s, 2, List.of(entry(2, 6))));

    Output o = d.deliver(new NewLeader(1, 2, s, 3, 3, z(2, 6)));

    assertThat(o.persist())
        .containsExactly(new InstallSnapshot(snap, List.of(entry(2, 6))), new SetCurrentEpoch(3));
    assertThat(o.restore()).isSameAs(snap);
    assertThat(o.messages())
        .containsExactly(new Send(new AckNewLeader(2, 1, s, 2, 3, z(2, 6)), true));
    assertThat(d.core.snapshot()).isSameAs(snap);
    assertThat(d.core.entries()).containsExactly(entry(2, 6));
  }

  @Test
  void rule5_aProposalBetweenNewLeaderAndUpToDateIsLoggedAndAcked() {
    CoreDriver d = follower(2, 1, DurableState.empty());
    long s = d.session();
    d.deliver(new LeaderInfo(1, 2, s, 0, 1));
    d.deliver(new SyncStart(1, 2, s, 1, SyncMode.DIFF, -1, null));
    d.deliver(new NewLeader(1, 2, s, 2, 1, 0));

    Output p = d.deliver(new Proposal(1, 2, s, 3, entry(1, 1)));
    assertThat(p.persist()).containsExactly(new Append(entry(1, 1)));
    assertThat(p.messages()).containsExactly(new Send(new Ack(2, 1, s, 3, z(1, 1)), true));

    Output u = d.deliver(new UpToDate(1, 2, s, 4, z(1, 1)));
    assertThat(u.committed()).containsExactly(entry(1, 1));
    assertThat(d.core.role()).isEqualTo(Role.FOLLOWING);
  }

  @Test
  void rule5_proposalsSentBetweenNewLeaderAndItsAckAreHonouredByTheLeader() {
    CoreDriver d = electedLeader(config(1), DurableState.empty());
    d.deliver(new FollowerInfo(2, 1, S2, 0, 0, false));
    d.deliver(new AckEpoch(2, 1, S2, 1, true, 0, 0, 0));
    d.deliver(new AckNewLeader(2, 1, S2, 2, 1, 0));
    d.syncAll();
    assertThat(d.core.isEstablishedLeader()).isTrue();

    // Node 3 joins late: its sync (NEWLEADER at 0) is followed by a proposal before it acks.
    d.deliver(new FollowerInfo(3, 1, S3, 0, 0, false));
    Output sync = d.deliver(new AckEpoch(3, 1, S3, 1, true, 0, 0, 0));
    assertThat(to(sync, 3))
        .containsExactly(
            new SyncStart(1, 3, S3, 1, SyncMode.DIFF, -1, null), new NewLeader(1, 3, S3, 2, 1, 0));
    d.propose("a");
    assertThat(d.sent(Proposal.class)).extracting(Proposal::to).containsExactlyInAnyOrder(2L, 3L);
    d.syncAll();

    Output ackNl = d.deliver(new AckNewLeader(3, 1, S3, 2, 1, 0));
    assertThat(to(ackNl, 3)).containsExactly(new UpToDate(1, 3, S3, 4, 0));
    Output ack = d.deliver(new Ack(3, 1, S3, 3, z(1, 1))); // node 2 stays silent
    assertThat(ack.committed()).extracting(Entry::zxid).containsExactly(z(1, 1));
  }

  // ---------------------------------------------------------------------------------------------
  // Rule 6: ack only after fsync; the leader counts its own ack after its own fsync; commits in
  // zxid order; a gap is fatal for that peer's session.
  // ---------------------------------------------------------------------------------------------

  @Test
  void rule6_aFollowerAcksAProposalOnlyAfterItIsDurable() {
    CoreDriver d = broadcastingFollower();
    long s = d.session();

    Output p1 = d.deliver(new Proposal(1, 2, s, 4, entry(1, 1)));
    assertThat(p1.persist()).containsExactly(new Append(entry(1, 1)));
    assertThat(p1.messages()).containsExactly(new Send(new Ack(2, 1, s, 3, z(1, 1)), true));

    Output p2 = d.deliver(new Proposal(1, 2, s, 5, entry(1, 2)));
    assertThat(p2.messages()).containsExactly(new Send(new Ack(2, 1, s, 4, z(1, 2)), true));

    Output c = d.deliver(new Commit(1, 2, s, 6, z(1, 2)));
    assertThat(c.committed()).containsExactly(entry(1, 1), entry(1, 2));
  }

  @Test
  void rule6_aProposalWithAGapInZxidEndsTheSession() {
    CoreDriver d = broadcastingFollower();
    long s = d.session();

    Output o = d.deliver(new Proposal(1, 2, s, 4, entry(1, 2))); // 1:1 missing

    assertThat(o.roleChange().role()).isEqualTo(Role.LOOKING);
    assertThat(o.persist()).isEmpty();
    assertThat(d.sentEver(Ack.class)).isEmpty();
    assertThat(d.core.lastZxid()).isZero();
  }

  @Test
  void rule6_aRepeatedProposalEndsTheSession() {
    CoreDriver d = broadcastingFollower();
    long s = d.session();
    d.deliver(new Proposal(1, 2, s, 4, entry(1, 1)));

    Output o = d.deliver(new Proposal(1, 2, s, 5, entry(1, 1)));

    assertThat(o.roleChange().role()).isEqualTo(Role.LOOKING);
    assertThat(o.persist()).isEmpty();
  }

  @Test
  void rule6_aSessionMessageWithAGapInSeqEndsTheSession() {
    CoreDriver d = broadcastingFollower();
    long s = d.session();

    Output o = d.deliver(new Proposal(1, 2, s, 5, entry(1, 1))); // seq 4 missing

    assertThat(o.roleChange().role()).isEqualTo(Role.LOOKING);
    assertThat(o.persist()).isEmpty();
    assertThat(d.sentEver(Ack.class)).isEmpty();
  }

  @Test
  void rule6_aFollowerRefusesACommitBeyondItsLog() {
    CoreDriver d = broadcastingFollower();
    long s = d.session();
    Output o = d.deliver(new Commit(1, 2, s, 4, z(1, 1)));
    assertThat(o.committed()).isEmpty();
    assertThat(o.roleChange().role()).isEqualTo(Role.LOOKING);
  }

  @Test
  void rule6_theLeaderCommitsOnlyOnceAQuorumIncludingItsOwnFsyncHasTheEntry() {
    CoreDriver d = establishedLeader(config(1), DurableState.empty());
    Output p = d.propose("a");
    assertThat(p.proposedZxid()).isEqualTo(z(1, 1));
    assertThat(p.persist())
        .singleElement()
        .isInstanceOfSatisfying(Append.class, a -> assertThat(a.entry().zxid()).isEqualTo(z(1, 1)));
    assertThat(d.sent(Proposal.class)).extracting(Proposal::to).containsExactlyInAnyOrder(2L, 3L);
    assertThat(d.sends(LocalSynced.class))
        .singleElement()
        .extracting(Send::afterSync)
        .isEqualTo(true);

    Output ack = d.deliver(new Ack(2, 1, S2, 3, z(1, 1)));
    assertThat(ack.committed()).as("the leader's own fsync is not reported yet").isEmpty();

    Output synced = d.syncAll().get(0);
    assertThat(synced.committed()).extracting(Entry::zxid).containsExactly(z(1, 1));
    assertThat(synced.messages())
        .map(Send::message)
        .filteredOn(Commit.class::isInstance)
        .extracting(m -> m.to())
        .containsExactlyInAnyOrder(2L, 3L);
    assertThat(d.core.commitZxid()).isEqualTo(z(1, 1));
  }

  @Test
  void rule6_theLeadersOwnFsyncAloneIsNoQuorum() {
    CoreDriver d = establishedLeader(config(1), DurableState.empty());
    d.propose("a");
    assertThat(d.syncAll()).allSatisfy(o -> assertThat(o.committed()).isEmpty());

    Output ack = d.deliver(new Ack(3, 1, S3, 3, z(1, 1)));
    assertThat(ack.committed()).extracting(Entry::zxid).containsExactly(z(1, 1));
  }

  @Test
  void rule6_commitsAdvanceStrictlyInZxidOrder() {
    CoreDriver d = establishedLeader(config(1), DurableState.empty());
    d.propose("a");
    d.propose("b");
    d.propose("c");
    d.syncAll();

    Output first = d.deliver(new Ack(2, 1, S2, 3, z(1, 1)));
    assertThat(first.committed()).extracting(Entry::zxid).containsExactly(z(1, 1));
    Output rest = d.deliver(new Ack(2, 1, S2, 4, z(1, 3)));
    assertThat(rest.committed()).extracting(Entry::zxid).containsExactly(z(1, 2), z(1, 3));

    assertThat(d.committedEver())
        .extracting(Entry::zxid)
        .containsExactly(z(1, 1), z(1, 2), z(1, 3));
    assertThat(d.sentEver(Commit.class))
        .filteredOn(c -> c.to() == 3)
        .extracting(Commit::zxid)
        .containsExactly(z(1, 1), z(1, 3));
  }

  @Test
  void rule6_aGapInALearnersSessionEndsThatSessionAtTheLeader() {
    CoreDriver d = establishedLeader(config(1), DurableState.empty());
    d.propose("a");

    Output gap = d.deliver(new Ack(2, 1, S2, 4, z(1, 1))); // seq 3 missing
    assertThat(gap.committed()).isEmpty();
    assertThat(d.deliver(new Ack(2, 1, S2, 3, z(1, 1))).isEmpty())
        .as("the ended session is unknown now")
        .isTrue();

    d.propose("b");
    assertThat(d.sent(Proposal.class)).extracting(Proposal::to).containsExactly(3L);
    assertThat(d.core.role()).isEqualTo(Role.LEADING);
  }

  // ---------------------------------------------------------------------------------------------
  // Rule 7: the leader steps down when it has not heard from a quorum within the sync limit; a
  // learner gives up on a silent leader likewise.
  // ---------------------------------------------------------------------------------------------

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

  // ---------------------------------------------------------------------------------------------
  // Rule 8: observers receive committed entries but never vote or ack.
  // ---------------------------------------------------------------------------------------------

  @Test
  void rule8_anObserverNeverVotesForItselfOrAnyone() {
    CoreDriver d = new CoreDriver(withObserver(4), DurableState.empty());
    d.start();
    assertThat(d.sent(Notification.class))
        .extracting(Notification::to)
        .containsExactlyInAnyOrder(1L, 2L, 3L);

    // A quorum of voters LOOKING for node 1 does not make an observer adopt or decide anything.
    d.deliver(d.looking(1, 1, 1, 0, 0));
    d.deliver(d.looking(2, 1, 1, 0, 0));
    d.tickN(40);

    assertThat(d.core.role()).isEqualTo(Role.LOOKING);
    assertThat(d.sentEver(Notification.class))
        .isNotEmpty()
        .allSatisfy(
            n -> {
              assertThat(n.state()).isEqualTo(Role.LOOKING);
              assertThat(n.leader()).isEqualTo(-1);
            });
  }

  @Test
  void rule8_anObserverJoinsAnEstablishedLeaderWithAnObserverFollowerInfo() {
    CoreDriver d = observer();
    assertThat(d.sentEver(FollowerInfo.class))
        .singleElement()
        .satisfies(
            fi -> {
              assertThat(fi.to()).isEqualTo(1);
              assertThat(fi.observer()).isTrue();
            });
  }

  @Test
  void rule8_anObserversAckEpochIsNeverFresh() {
    CoreDriver d = observer();
    long s = d.session();
    d.deliver(new LeaderInfo(1, 4, s, 0, 1));
    assertThat(d.sent(AckEpoch.class))
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.fresh())
                    .as("an observer never counts towards the quorum that establishes an epoch")
                    .isFalse());
  }

  @Test
  void rule8_anObserverReceivesCommittedEntriesButNeverAcks() {
    CoreDriver d = observer();
    long s = d.session();
    d.deliver(new LeaderInfo(1, 4, s, 0, 1));
    d.deliver(new SyncStart(1, 4, s, 1, SyncMode.DIFF, -1, null));
    d.deliver(new NewLeader(1, 4, s, 2, 1, 0));
    d.deliver(new UpToDate(1, 4, s, 3, 0));

    Output inform = d.deliver(new Inform(1, 4, s, 4, entries(1, 1, 2)));
    assertThat(inform.committed()).containsExactlyElementsOf(entries(1, 1, 2));
    assertThat(d.sent(Ack.class)).isEmpty();

    Output proposal = d.deliver(new Proposal(1, 4, s, 5, entry(1, 3)));
    assertThat(proposal.persist()).doesNotContain(new Append(entry(1, 3)));
    assertThat(d.sentEver(Ack.class)).isEmpty();
  }

  @Test
  void rule8_anObserverNeverCountsTowardsTheLeadersQuorumsButGetsInforms() {
    CoreDriver d = establishedWithObserver();
    d.propose("a");
    d.syncAll();
    Output commit = d.deliver(new Ack(2, 1, S2, 3, z(1, 1)));
    assertThat(commit.committed()).extracting(Entry::zxid).containsExactly(z(1, 1));
    assertThat(to(commit, 4))
        .containsExactly(new Inform(1, 4, S4, 4, List.of(d.core.entries().get(0))));
    assertThat(d.sentEver(Proposal.class)).noneMatch(p -> p.to() == 4);
  }

  @Test
  void rule8_anObserversAckNeverCommits() {
    CoreDriver d = establishedWithObserver();
    d.propose("a");
    d.syncAll();
    Output o = d.deliver(new Ack(4, 1, S4, 3, z(1, 1)));
    assertThat(o.committed()).isEmpty();
    assertThat(d.core.commitZxid()).isZero();
  }

  /** Leader 1 with voters {1,2,3} and observer 4; voter 2 and observer 4 synced, 3 absent. */
  private static CoreDriver establishedWithObserver() {
    CoreDriver d = electedLeader(withObserver(1), DurableState.empty());

    assertThat(d.deliver(new FollowerInfo(4, 1, S4, 0, 0, true)).isEmpty())
        .as("an observer's FOLLOWERINFO is no quorum with the leader")
        .isTrue();
    d.deliver(new FollowerInfo(2, 1, S2, 0, 0, false));
    assertThat(d.sent(LeaderInfo.class))
        .extracting(LeaderInfo::to)
        .containsExactlyInAnyOrder(2L, 4L);

    d.deliver(new AckEpoch(4, 1, S4, 1, true, 0, 0, 0));
    assertThat(d.sentEver(SyncStart.class))
        .as("an observer's ACKEPOCH counts for nothing")
        .isEmpty();
    d.deliver(new AckEpoch(2, 1, S2, 1, true, 0, 0, 0));
    assertThat(d.sent(SyncStart.class)).extracting(SyncStart::to).containsExactlyInAnyOrder(2L, 4L);

    d.deliver(new AckNewLeader(4, 1, S4, 2, 1, 0));
    d.syncAll();
    assertThat(d.core.isEstablishedLeader()).as("leader + observer is no quorum").isFalse();
    d.deliver(new AckNewLeader(2, 1, S2, 2, 1, 0));
    assertThat(d.core.isEstablishedLeader()).isTrue();
    return d;
  }

  // ---------------------------------------------------------------------------------------------
  // Rule 9: truncation never goes below committed state; an interrupted sync leaves no half-applied
  // state behind.
  // ---------------------------------------------------------------------------------------------

  @Test
  void rule9_aSyncInterruptedByAGapLeavesNoPersistOpsAndTheLogUnchanged() {
    CoreDriver d = follower(2, 1, state(1, 1, entries(1, 1, 4)));
    long s = d.session();
    d.deliver(new LeaderInfo(1, 2, s, 0, 3));
    int mark = d.outputs().size();

    d.deliver(new SyncStart(1, 2, s, 1, SyncMode.TRUNC, z(1, 2), null));
    d.deliver(new SyncEntries(1, 2, s, 2, entries(2, 1, 2)));
    Output o = d.deliver(new NewLeader(1, 2, s, 4, 3, z(2, 2))); // seq 3 missing

    assertThat(o.roleChange().role()).isEqualTo(Role.LOOKING);
    List<Output> after = d.outputs().subList(mark, d.outputs().size());
    assertThat(noPersist(after)).as("persist ops after the sync began: %s", after).isTrue();
    assertThat(d.sentEver(AckNewLeader.class)).isEmpty();
    assertThat(d.core.entries()).containsExactlyElementsOf(entries(1, 1, 4));
    assertThat(d.core.currentEpoch()).isEqualTo(1);
  }

  @Test
  void rule9_aSyncInterruptedByATimeoutLeavesNoPersistOpsAndTheLogUnchanged() {
    CoreDriver d = follower(2, 1, state(1, 1, entries(1, 1, 4)));
    long s = d.session();
    d.deliver(new LeaderInfo(1, 2, s, 0, 3));
    int mark = d.outputs().size();

    d.deliver(new SyncStart(1, 2, s, 1, SyncMode.SNAP, -1, new Snapshot(z(2, 5), new byte[] {9})));
    d.deliver(new SyncEntries(1, 2, s, 2, List.of(entry(2, 6))));
    int ticks = 0;
    while (d.core.role() == Role.FOLLOWING && ticks <= INIT_LIMIT + 1) {
      d.tick();
      ticks++;
    }

    assertThat(d.core.role()).isEqualTo(Role.LOOKING);
    assertThat(ticks).isLessThanOrEqualTo(SYNC_LIMIT + 1);
    List<Output> after = d.outputs().subList(mark, d.outputs().size());
    assertThat(noPersist(after)).as("persist ops after the sync began: %s", after).isTrue();
    assertThat(d.core.entries()).containsExactlyElementsOf(entries(1, 1, 4));
    assertThat(d.core.snapshot()).isSameAs(Snapshot.EMPTY);
    assertThat(d.core.currentEpoch()).isEqualTo(1);
  }

  @Test
  void rule9_aFollowerRefusesATruncBelowItsSnapshot() {
    Snapshot snap = new Snapshot(z(1, 2), new byte[] {2});
    CoreDriver d = follower(2, 1, new DurableState(1, 1, snap, entries(1, 3, 4)));
    long s = d.session();
    d.deliver(new LeaderInfo(1, 2, s, 0, 2));
    d.deliver(new SyncStart(1, 2, s, 1, SyncMode.TRUNC, z(1, 1), null));

    Output o = d.deliver(new NewLeader(1, 2, s, 2, 2, z(1, 1)));

    assertThat(o.roleChange().role()).isEqualTo(Role.LOOKING);
    assertThat(o.persist()).isEmpty();
    assertThat(d.core.entries()).containsExactlyElementsOf(entries(1, 3, 4));
    assertThat(d.core.snapshot()).isSameAs(snap);
  }

  // ---------------------------------------------------------------------------------------------
  // Bad input: "the core validates everything it receives"; bad messages are dropped.
  // ---------------------------------------------------------------------------------------------

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
