package io.zabtx.replication.sim;

import java.util.random.RandomGenerator;

/**
 * The fault mix and shape of one simulated run, drawn per seed (swarm testing: each run stresses a
 * different combination instead of every run diluting every fault).
 *
 * <p>Times are in simulator units; a core tick is {@link Simulation#TICK} units.
 *
 * @param voters voting members (1, 3 or 5)
 * @param observers non-voting members
 * @param minDelay shortest message delay
 * @param maxDelay longest message delay
 * @param fsyncDelayMax longest time an fsync takes
 * @param lossProb chance a message is silently lost
 * @param crashProb chance per tick that some node crashes
 * @param crashOnWriteProb chance that a node crashes right after it issued writes, before they are
 *     synced (aims crashes at the windows between persist, fsync and send)
 * @param partitionProb chance per tick that a partition starts (symmetric or one-way)
 * @param breakProb chance per tick that a connection breaks, losing what it carried
 * @param reorderProb chance that a message caught in a break arrives later, out of order
 * @param snapshotProb chance per tick that some node snapshots its state machine
 * @param proposeProb chance per tick that a client proposes something
 * @param tornTails whether crashes may tear the last log record
 * @param safetyTicks length of the fault phase
 * @param maxCounter zxid counter limit (small values force epoch changes)
 * @param syncBatch entries per sync message
 * @param retain log entries kept below a snapshot
 */
public record SimOptions(
    int voters,
    int observers,
    int minDelay,
    int maxDelay,
    int fsyncDelayMax,
    double lossProb,
    double crashProb,
    double crashOnWriteProb,
    double partitionProb,
    double breakProb,
    double reorderProb,
    double snapshotProb,
    double proposeProb,
    boolean tornTails,
    int safetyTicks,
    long maxCounter,
    int syncBatch,
    int retain) {

  /** Draws a fault mix from the run's random source. */
  public static SimOptions draw(RandomGenerator r) {
    int voters = pick(r, 1, 3, 3, 3, 5, 5, 5);
    int observers = pick(r, 0, 0, 0, 1, 2);
    int minDelay = r.nextInt(1, 6);
    int maxDelay = minDelay + r.nextInt(0, 15);
    return new SimOptions(
        voters,
        observers,
        minDelay,
        maxDelay,
        r.nextInt(0, 12),
        pickD(r, 0, 0, 0.001, 0.01),
        pickD(r, 0, 0.002, 0.01, 0.03),
        pickD(r, 0, 0, 0.0005, 0.002, 0.01),
        pickD(r, 0, 0.003, 0.01, 0.03),
        pickD(r, 0, 0.01, 0.05),
        pickD(r, 0, 0.3, 0.8),
        pickD(r, 0, 0.01, 0.1),
        pickD(r, 0.1, 0.3, 0.7, 1.0),
        r.nextBoolean(),
        r.nextInt(600, 2500),
        r.nextInt(4) == 0 ? r.nextInt(3, 20) : 0xFFFF_FFFFL,
        pick(r, 1, 3, 64),
        pick(r, 0, 2, 50));
  }

  /** A calm run: no faults, short delays; directed scenarios add their own faults. */
  public static SimOptions calm(int voters, int observers) {
    return new SimOptions(
        voters, observers, 2, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0xFFFF_FFFFL, 64, 50);
  }

  private static int pick(RandomGenerator r, int... values) {
    return values[r.nextInt(values.length)];
  }

  private static double pickD(RandomGenerator r, double... values) {
    return values[r.nextInt(values.length)];
  }
}
