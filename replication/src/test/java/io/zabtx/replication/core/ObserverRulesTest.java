package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.VOTERS;
import static io.zabtx.replication.core.CoreDriver.entries;
import static io.zabtx.replication.core.CoreDriver.entry;
import static io.zabtx.replication.core.CoreDriver.z;
import static io.zabtx.replication.core.Fixtures.INIT_LIMIT;
import static io.zabtx.replication.core.Fixtures.S2;
import static io.zabtx.replication.core.Fixtures.SYNC_LIMIT;
import static io.zabtx.replication.core.Fixtures.electedLeader;
import static io.zabtx.replication.core.Fixtures.to;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.replication.core.Message.Ack;
import io.zabtx.replication.core.Message.AckEpoch;
import io.zabtx.replication.core.Message.AckNewLeader;
import io.zabtx.replication.core.Message.FollowerInfo;
import io.zabtx.replication.core.Message.Inform;
import io.zabtx.replication.core.Message.LeaderInfo;
import io.zabtx.replication.core.Message.NewLeader;
import io.zabtx.replication.core.Message.Notification;
import io.zabtx.replication.core.Message.Proposal;
import io.zabtx.replication.core.Message.SyncMode;
import io.zabtx.replication.core.Message.SyncStart;
import io.zabtx.replication.core.Message.UpToDate;
import io.zabtx.replication.core.PersistOp.Append;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2 "Protocol rules (each one a test)", rule 8: observers receive committed entries but
 * never vote or ack; checked on single cores driven by hand-built messages. Each test name starts
 * with the rule it checks. Unless stated otherwise the ensemble is voters {1, 2, 3} with finalize
 * wait 2, election re-send 8, initLimit 60, syncLimit 12, ping 3. Node 4 is an observer.
 */
class ObserverRulesTest {

  private static final long S4 = 0x4444;

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
}
