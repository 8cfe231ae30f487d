package io.zabtx.replication.core;

import java.util.Set;
import java.util.TreeSet;

/**
 * Static configuration of one node's protocol core. Every duration is in ticks; the runtime decides
 * how long a tick is.
 *
 * @param sid this node's server id (positive)
 * @param voters server ids of the voting members (this node included if it votes)
 * @param observers server ids of the non-voting members
 * @param finalizeWaitTicks how long a LOOKING node waits for a better vote once a quorum agrees
 * @param electionResendTicks how often a LOOKING node re-sends its vote
 * @param initLimitTicks how long discovery plus synchronization may take before giving up
 * @param syncLimitTicks how long leader and learner tolerate silence from each other; the leader
 *     also steps down when it has not heard from a quorum for this long
 * @param pingTicks how often the leader pings its learners
 * @param maxCounter the largest zxid counter the leader may use before forcing a new epoch
 * @param maxOutstandingProposals how many uncommitted proposals the leader accepts before refusing
 *     more (backpressure)
 * @param syncBatchEntries how many entries one sync message carries at most
 * @param logRetainEntries how many entries below the newest snapshot stay in memory so that lagging
 *     learners can still get a DIFF instead of a SNAP
 */
public record ZabConfig(
    long sid,
    Set<Long> voters,
    Set<Long> observers,
    int finalizeWaitTicks,
    int electionResendTicks,
    int initLimitTicks,
    int syncLimitTicks,
    int pingTicks,
    long maxCounter,
    int maxOutstandingProposals,
    int syncBatchEntries,
    int logRetainEntries) {

  /** Validates and copies the member sets into sorted, immutable sets. */
  public ZabConfig {
    voters = Set.copyOf(new TreeSet<>(voters));
    observers = Set.copyOf(new TreeSet<>(observers));
    if (sid <= 0) {
      throw new IllegalArgumentException("sid must be positive, got " + sid);
    }
    if (voters.isEmpty()) {
      throw new IllegalArgumentException("at least one voter is required");
    }
    if (!voters.contains(sid) && !observers.contains(sid)) {
      throw new IllegalArgumentException("sid " + sid + " is neither a voter nor an observer");
    }
    for (long o : observers) {
      if (voters.contains(o)) {
        throw new IllegalArgumentException("server " + o + " is both voter and observer");
      }
    }
    if (finalizeWaitTicks < 0
        || electionResendTicks < 1
        || initLimitTicks < 1
        || syncLimitTicks < 1
        || pingTicks < 1
        || pingTicks >= syncLimitTicks) {
      throw new IllegalArgumentException(
          "tick settings must be positive and pingTicks < syncLimitTicks: " + this);
    }
    if (maxCounter < 1 || maxCounter > Zxid.MAX_COUNTER) {
      throw new IllegalArgumentException("maxCounter must be in [1, 2^32-1], got " + maxCounter);
    }
    if (maxOutstandingProposals < 1 || syncBatchEntries < 1 || logRetainEntries < 0) {
      throw new IllegalArgumentException("limits must be positive: " + this);
    }
  }

  /**
   * Defaults suited to a 10 ms tick: 50 ms finalize wait, 500 ms sync limit with pings every 50 ms,
   * 2 s init limit. The sync limit only has to catch a leader that went silent without its
   * connections breaking (a partition, a paused process); a killed leader is noticed at once
   * through {@link ZabCore#peerLost}. It stays well above the latency of a saturated node, so load
   * alone does not start elections.
   */
  public static ZabConfig of(long sid, Set<Long> voters, Set<Long> observers) {
    return new ZabConfig(
        sid, voters, observers, 5, 20, 200, 50, 5, Zxid.MAX_COUNTER, 10_000, 512, 10_000);
  }

  /** Number of voters that make a quorum. */
  public int quorum() {
    return voters.size() / 2 + 1;
  }

  /** True when this node votes. */
  public boolean isVoter() {
    return voters.contains(sid);
  }

  /** True when {@code id} is a configured member. */
  public boolean isMember(long id) {
    return voters.contains(id) || observers.contains(id);
  }

  /** A copy with other tick settings. */
  public ZabConfig withTicks(
      int finalizeWait, int electionResend, int initLimit, int syncLimit, int ping) {
    return new ZabConfig(
        sid,
        voters,
        observers,
        finalizeWait,
        electionResend,
        initLimit,
        syncLimit,
        ping,
        maxCounter,
        maxOutstandingProposals,
        syncBatchEntries,
        logRetainEntries);
  }

  /** A copy with another zxid counter limit. */
  public ZabConfig withMaxCounter(long max) {
    return new ZabConfig(
        sid,
        voters,
        observers,
        finalizeWaitTicks,
        electionResendTicks,
        initLimitTicks,
        syncLimitTicks,
        pingTicks,
        max,
        maxOutstandingProposals,
        syncBatchEntries,
        logRetainEntries);
  }

  /** A copy with other batching and retention limits. */
  public ZabConfig withLimits(int maxOutstanding, int syncBatch, int retain) {
    return new ZabConfig(
        sid,
        voters,
        observers,
        finalizeWaitTicks,
        electionResendTicks,
        initLimitTicks,
        syncLimitTicks,
        pingTicks,
        maxCounter,
        maxOutstanding,
        syncBatch,
        retain);
  }
}
