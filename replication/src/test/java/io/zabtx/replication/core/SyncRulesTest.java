package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.config;
import static io.zabtx.replication.core.CoreDriver.entries;
import static io.zabtx.replication.core.CoreDriver.entry;
import static io.zabtx.replication.core.CoreDriver.state;
import static io.zabtx.replication.core.CoreDriver.z;
import static io.zabtx.replication.core.Fixtures.INIT_LIMIT;
import static io.zabtx.replication.core.Fixtures.S2;
import static io.zabtx.replication.core.Fixtures.S3;
import static io.zabtx.replication.core.Fixtures.SYNC_LIMIT;
import static io.zabtx.replication.core.Fixtures.electedLeader;
import static io.zabtx.replication.core.Fixtures.follower;
import static io.zabtx.replication.core.Fixtures.to;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.replication.core.Message.Ack;
import io.zabtx.replication.core.Message.AckEpoch;
import io.zabtx.replication.core.Message.AckNewLeader;
import io.zabtx.replication.core.Message.FollowerInfo;
import io.zabtx.replication.core.Message.LeaderInfo;
import io.zabtx.replication.core.Message.LocalSynced;
import io.zabtx.replication.core.Message.NewLeader;
import io.zabtx.replication.core.Message.Proposal;
import io.zabtx.replication.core.Message.SyncEntries;
import io.zabtx.replication.core.Message.SyncMode;
import io.zabtx.replication.core.Message.SyncStart;
import io.zabtx.replication.core.Message.UpToDate;
import io.zabtx.replication.core.Output.Send;
import io.zabtx.replication.core.PersistOp.Append;
import io.zabtx.replication.core.PersistOp.InstallSnapshot;
import io.zabtx.replication.core.PersistOp.SetCurrentEpoch;
import io.zabtx.replication.core.PersistOp.Truncate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2 "Protocol rules (each one a test)", rules 5 and 9, on synchronising a learner with a
 * new leader, checked on single cores driven by hand-built messages. Each test name starts with the
 * rule it checks. Unless stated otherwise the ensemble is voters {1, 2, 3} with finalize wait 2,
 * election re-send 8, initLimit 60, syncLimit 12, ping 3.
 */
class SyncRulesTest {

  private static boolean noPersist(List<Output> outs) {
    return outs.stream().allMatch(o -> o.persist().isEmpty() && o.restore() == null);
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
  void rule5_aFollowerReportsTheEstablishedEpochOnlyAtUpToDate() {
    CoreDriver d = follower(2, 1, DurableState.empty());
    long s = d.session();
    d.deliver(new LeaderInfo(1, 2, s, 0, 1));
    d.deliver(new SyncStart(1, 2, s, 1, SyncMode.DIFF, -1, null));
    Output nl = d.deliver(new NewLeader(1, 2, s, 2, 1, 0));
    assertThat(nl.roleChange()).as("synced, but the epoch may not be established yet").isNull();

    Output u = d.deliver(new UpToDate(1, 2, s, 3, 0));
    assertThat(u.roleChange()).isEqualTo(new Output.RoleChange(Role.FOLLOWING, 1, 1));
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
}
