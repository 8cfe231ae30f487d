package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.config;
import static io.zabtx.replication.core.CoreDriver.entry;
import static io.zabtx.replication.core.CoreDriver.z;
import static io.zabtx.replication.core.Fixtures.S2;
import static io.zabtx.replication.core.Fixtures.S3;
import static io.zabtx.replication.core.Fixtures.broadcastingFollower;
import static io.zabtx.replication.core.Fixtures.establishedLeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.zabtx.replication.core.Message.Ack;
import io.zabtx.replication.core.Message.Commit;
import io.zabtx.replication.core.Message.LocalSynced;
import io.zabtx.replication.core.Message.Proposal;
import io.zabtx.replication.core.Output.Send;
import io.zabtx.replication.core.PersistOp.Append;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2.2 "Protocol rules (each one a test)", rule 6: ack only after fsync; the leader counts
 * its own ack after its own fsync; commits in zxid order; a gap is fatal for that peer's session;
 * checked on single cores driven by hand-built messages. Each test name starts with the rule it
 * checks. Unless stated otherwise the ensemble is voters {1, 2, 3} with finalize wait 2, election
 * re-send 8, initLimit 60, syncLimit 12, ping 3.
 */
class BroadcastRulesTest {

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
    assertThat(d.core.commitZxid()).isEqualTo(z(1, 1));
    assertThat(d.sent(Commit.class)).as("followers learn the commit lazily").isEmpty();

    d.tick();
    assertThat(d.sent(Commit.class))
        .as("within a tick")
        .extracting(Commit::to, Commit::zxid)
        .containsExactlyInAnyOrder(tuple(2L, z(1, 1)), tuple(3L, z(1, 1)));
    d.tick();
    assertThat(d.sent(Commit.class)).as("and only once").isEmpty();
  }

  @Test
  void rule6_aCommitRidesAlongWithTheNextProposalToEachFollower() {
    CoreDriver d = establishedLeader(config(1), DurableState.empty());
    d.propose("a");
    d.syncAll();
    d.deliver(new Ack(2, 1, S2, 3, z(1, 1)));
    assertThat(d.core.commitZxid()).isEqualTo(z(1, 1));

    Output next = d.propose("b");
    for (long follower : new long[] {2, 3}) {
      assertThat(Fixtures.to(next, follower))
          .as("to %d: the commit point first, then the proposal", follower)
          .satisfiesExactly(
              m ->
                  assertThat(m)
                      .isInstanceOfSatisfying(
                          Commit.class, c -> assertThat(c.zxid()).isEqualTo(z(1, 1))),
              m -> assertThat(m).isInstanceOf(Proposal.class));
    }
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
    d.tick();
    Output rest = d.deliver(new Ack(2, 1, S2, 4, z(1, 3)));
    assertThat(rest.committed()).extracting(Entry::zxid).containsExactly(z(1, 2), z(1, 3));
    d.tick();

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
}
