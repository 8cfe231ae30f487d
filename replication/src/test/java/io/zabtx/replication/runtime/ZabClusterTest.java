package io.zabtx.replication.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zabtx.replication.core.Zxid;
import io.zabtx.replication.node.KeyValueStateMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-JVM ensembles of real nodes: gRPC on loopback, files in temp directories. Each test checks
 * what a user relies on: every acknowledged write survives on every node, and the nodes' state
 * machines applied the same entries in the same order.
 */
class ZabClusterTest {

  @TempDir Path dir;

  @Test
  void threeNodesCommitAndAgree() {
    try (LocalCluster c = new LocalCluster(dir, 3, 100_000, 10_000).start()) {
      List<String> acked = putMany(c, "k", 200);
      c.awaitConverged();
      assertAllHold(c, acked);
      // The transport is visible in the node's meters.
      var registry = c.registry(c.awaitLeader());
      assertThat(registry.get("zab.transport.sent").functionCounter().count())
          .isGreaterThanOrEqualTo(2 * 200);
      assertThat(registry.get("zab.transport.frames").functionCounter().count()).isPositive();
      assertThat(registry.get("zab.transport.connected").gauge().value()).isEqualTo(2);
      assertThat(
              registry
                  .get("zab.transport.dropped")
                  .tag("reason", "malformed")
                  .functionCounter()
                  .count())
          .isZero();
    }
  }

  @Test
  void killingTheLeaderElectsANewOneAndLosesNoAcknowledgedWrite() {
    try (LocalCluster c = new LocalCluster(dir, 3, 100_000, 10_000).start()) {
      List<String> acked = putMany(c, "a", 50);
      long leader = c.awaitLeader();
      long epoch = c.node(leader).currentEpoch();
      c.stop(leader);
      long next = c.awaitLeader();
      assertThat(next).isNotEqualTo(leader);
      assertThat(c.node(next).currentEpoch()).isGreaterThan(epoch);
      acked.addAll(putMany(c, "b", 50));
      c.start(leader);
      c.awaitConverged();
      assertAllHold(c, acked);
    }
  }

  @Test
  void aFollowerBehindByAFewEntriesCatchesUpWithADiff() {
    try (LocalCluster c = new LocalCluster(dir, 3, 100_000, 10_000).start()) {
      List<String> acked = putMany(c, "a", 20);
      long follower = aFollower(c);
      c.stop(follower);
      acked.addAll(putMany(c, "b", 30));
      c.start(follower);
      c.awaitConverged();
      assertAllHold(c, acked);
      assertThat(c.syncs(follower, "DIFF")).isGreaterThanOrEqualTo(2);
      assertThat(c.syncs(follower, "SNAP")).isZero();
    }
  }

  @Test
  void aFollowerBehindTheLeadersCompactedLogCatchesUpWithASnap() {
    // Snapshots every 20 entries, nothing retained below them: a lagging follower needs a SNAP.
    try (LocalCluster c = new LocalCluster(dir, 3, 20, 0).start()) {
      List<String> acked = putMany(c, "a", 10);
      long follower = aFollower(c);
      c.stop(follower);
      acked.addAll(putMany(c, "b", 100));
      c.start(follower);
      c.awaitConverged();
      assertAllHold(c, acked);
      assertThat(c.syncs(follower, "SNAP")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void aLeaderWithAnUncommittedSuffixIsTruncatedWhenItRejoins() {
    // A long sync limit keeps the leader leading (alone) long enough to log proposals that can
    // never commit.
    try (LocalCluster c = new LocalCluster(dir, 3, 100_000, 10_000).syncLimitTicks(500).start()) {
      List<String> acked = putMany(c, "a", 20);
      long leader = c.awaitLeader();
      List<Long> followers = new ArrayList<>(c.running());
      followers.remove(leader);
      for (long f : followers) {
        c.stop(f);
      }
      // Alone, the leader still logs what it is asked to propose, but nothing can commit.
      Zxid committed = c.node(leader).lastCommitted();
      for (int i = 0; i < 5; i++) {
        c.node(leader).propose(KeyValueStateMachine.put("lost-" + i, new byte[] {1}));
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> c.node(leader).lastLogged().compareTo(committed) > 0);
      c.stop(leader);
      for (long f : followers) {
        c.start(f);
      }
      acked.addAll(putMany(c, "b", 20));
      c.start(leader);
      c.awaitConverged();
      assertAllHold(c, acked);
      for (long sid : c.running()) {
        for (int i = 0; i < 5; i++) {
          assertThat(c.machine(sid).get("lost-" + i)).isNull();
        }
      }
      assertThat(c.syncs(leader, "TRUNC") + c.syncs(leader, "SNAP")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void fiveNodesKeepGoingWithTwoDownAndSurviveAWholeClusterRestart() {
    try (LocalCluster c = new LocalCluster(dir, 5, 50, 100).start()) {
      List<String> acked = putMany(c, "a", 30);
      long leader = c.awaitLeader();
      List<Long> others = new ArrayList<>(c.running());
      others.remove(leader);
      c.stop(others.get(0));
      c.stop(others.get(1));
      acked.addAll(putMany(c, "b", 30));
      for (long sid : Set.copyOf(c.running())) {
        c.stop(sid);
      }
      for (long sid = 1; sid <= 5; sid++) {
        c.start(sid);
      }
      acked.addAll(putMany(c, "c", 30));
      c.awaitConverged();
      assertAllHold(c, acked);
    }
  }

  private static List<String> putMany(LocalCluster c, String prefix, int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = prefix + "-" + i;
      c.put(key, "v" + i);
      keys.add(key);
    }
    return keys;
  }

  @Test
  void aWindowOfThousandsOfOutstandingProposalsCommitsInOrderWithPipelinedGroupCommits()
      throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, 100_000, 10_000).start()) {
      long leader = c.awaitLeader();
      ZabNode n = c.node(leader);
      int total = 6_000;
      int window = 1_000;
      Semaphore slots = new Semaphore(window);
      List<CompletableFuture<Zxid>> futures = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        slots.acquire();
        var f = n.propose(KeyValueStateMachine.put("w" + i, new byte[1024]));
        f.whenComplete((z, e) -> slots.release());
        futures.add(f);
      }
      long previous = 0;
      for (var f : futures) {
        long z = f.get(30, TimeUnit.SECONDS).value();
        assertThat(z).as("acknowledged in proposal order").isGreaterThan(previous);
        previous = z;
      }
      c.awaitConverged();
      assertThat(c.machine(leader).status().count()).isGreaterThanOrEqualTo(total);
      var batch = c.registry(leader).find("zab.fsync.batch").summary();
      assertThat(batch.max())
          .as("group commits covered many proposals each (%s)", batch.takeSnapshot())
          .isGreaterThan(1);
      // LocalCluster.close() fails the test if any runtime reordered a session's messages.
    }
  }

  @Test
  void followersNoticeAKilledLeaderAtOnceNotAfterTheSyncLimit() {
    // A 20 s sync limit: only the transport's peer-lost signal can explain a fast failover.
    try (LocalCluster c = new LocalCluster(dir, 3, 100_000, 10_000).syncLimitTicks(2_000).start()) {
      List<String> acked = putMany(c, "a", 10);
      long leader = c.awaitLeader();
      long stoppedAt = System.nanoTime();
      c.stop(leader);
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> c.running().stream().anyMatch(s -> c.node(s).isEstablishedLeader()));
      long millis = (System.nanoTime() - stoppedAt) / 1_000_000;
      assertThat(millis).as("failover took %d ms", millis).isLessThan(10_000);
      acked.addAll(putMany(c, "b", 10));
      c.awaitConverged();
      assertAllHold(c, acked);
    }
  }

  private static long aFollower(LocalCluster c) {
    long leader = c.awaitLeader();
    return c.running().stream().filter(s -> s != leader).findFirst().orElseThrow();
  }

  private static void assertAllHold(LocalCluster c, List<String> keys) {
    for (long sid : c.running()) {
      for (String k : keys) {
        assertThat(c.machine(sid).get(k)).as("server " + sid + " holds " + k).isNotNull();
      }
    }
  }
}
