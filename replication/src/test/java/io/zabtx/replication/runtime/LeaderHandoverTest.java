package io.zabtx.replication.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.replication.core.Role;
import io.zabtx.replication.core.Zxid;
import io.zabtx.replication.node.KeyValueStateMachine;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract the coordinator builds on (see {@link RoleListener}): when a new leader's listener
 * hears "established", its state machine has applied the epoch's whole initial history, and {@link
 * ZabNode#currentEpoch()} is the new epoch. A leader that acted before that could presume a
 * committed transaction aborted.
 */
class LeaderHandoverTest {

  @TempDir Path dir;

  private record Seen(long applied, long lastZxid, long epoch) {}

  @Test
  void aNewLeaderHasAppliedItsWholeInitialHistoryWhenItsListenerHearsEstablished() {
    try (LocalCluster c = new LocalCluster(dir, 3, 100_000, 10_000).start()) {
      Map<Long, Seen> seen = new ConcurrentHashMap<>();
      for (long sid : c.running()) {
        ZabNode n = c.node(sid);
        KeyValueStateMachine m = c.machine(sid);
        n.addRoleListener(
            (role, l, established) -> {
              if (role == Role.LEADING && established) {
                KeyValueStateMachine.Status s = m.status();
                seen.put(sid, new Seen(s.count(), s.lastZxid(), n.currentEpoch()));
              }
            });
      }
      long leader = c.awaitLeader();
      long oldEpoch = c.node(leader).currentEpoch();
      for (int i = 0; i < 300; i++) {
        c.node(leader).propose(KeyValueStateMachine.put("k" + i, new byte[] {1})).join();
      }
      KeyValueStateMachine.Status atOldLeader = c.machine(leader).status();
      // Followers learn the last commits lazily (with the next proposal or within a tick): the
      // new leader may not have applied them when the old one dies, only at establishment.
      c.stop(leader);
      long next = c.awaitLeader();
      Seen s = seen.get(next);
      assertThat(s).as("the listener of the new leader was called").isNotNull();
      assertThat(s.applied()).isEqualTo(atOldLeader.count());
      assertThat(s.lastZxid()).isEqualTo(atOldLeader.lastZxid());
      assertThat(s.epoch()).isGreaterThan(oldEpoch);
      assertThat(new Zxid(s.lastZxid()).epoch()).isLessThanOrEqualTo(oldEpoch);
    }
  }
}
