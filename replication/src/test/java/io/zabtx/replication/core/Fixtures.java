package io.zabtx.replication.core;

import static io.zabtx.replication.core.CoreDriver.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.replication.core.Message.AckEpoch;
import io.zabtx.replication.core.Message.AckNewLeader;
import io.zabtx.replication.core.Message.FollowerInfo;
import io.zabtx.replication.core.Message.LeaderInfo;
import io.zabtx.replication.core.Message.NewLeader;
import io.zabtx.replication.core.Message.Notification;
import io.zabtx.replication.core.Message.SyncMode;
import io.zabtx.replication.core.Message.SyncStart;
import io.zabtx.replication.core.Message.UpToDate;
import io.zabtx.replication.core.Output.Send;
import java.util.List;

/**
 * Scenario builders and constants shared by the DESIGN §2.2 protocol-rule tests: the sessions S2
 * and S3 that followers 2 and 3 open with leader 1, the initLimit and syncLimit of {@link
 * CoreDriver#config(long)}, and single cores driven through {@link CoreDriver} to a given point of
 * election, discovery, sync or broadcast.
 */
final class Fixtures {

  static final long S2 = 0x2222;
  static final long S3 = 0x3333;
  static final int SYNC_LIMIT = 12;
  static final int INIT_LIMIT = 60;

  private Fixtures() {}

  /** Node 1 starts LOOKING, every other voter echoes its vote, the finalize wait passes. */
  static CoreDriver electedLeader(ZabConfig config, DurableState state) {
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
  static CoreDriver establishedLeader(ZabConfig config, DurableState state) {
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
  static CoreDriver follower(long sid, long leader, DurableState state) {
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
  static CoreDriver broadcastingFollower() {
    CoreDriver d = follower(2, 1, DurableState.empty());
    long s = d.session();
    d.deliver(new LeaderInfo(1, 2, s, 0, 1));
    d.deliver(new SyncStart(1, 2, s, 1, SyncMode.DIFF, -1, null));
    d.deliver(new NewLeader(1, 2, s, 2, 1, 0));
    d.deliver(new UpToDate(1, 2, s, 3, 0));
    assertThat(d.core.currentEpoch()).isEqualTo(1);
    return d;
  }

  /** The messages of {@code o} addressed to {@code sid}. */
  static List<Message> to(Output o, long sid) {
    return o.messages().stream().map(Send::message).filter(m -> m.to() == sid).toList();
  }
}
