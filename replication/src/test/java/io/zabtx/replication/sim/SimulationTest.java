package io.zabtx.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The randomized simulation: many seeds, each with its own fault mix, each checked against every
 * invariant after every event and then for liveness once healed.
 *
 * <p>{@code -Dzab.seeds=N} sets how many seeds to try (default 1000, from random starting points);
 * {@code -Dzab.seed=N} replays exactly one, and {@code -Dzab.trace=true} prints its every event.
 */
class SimulationTest {

  @Test
  void randomSeedsKeepEveryInvariant() {
    String replay = System.getProperty("zab.seed", "").trim();
    List<Long> seeds;
    if (!replay.isEmpty()) {
      seeds = List.of(Long.parseLong(replay));
    } else {
      long count = Long.getLong("zab.seeds", 1000);
      long base = Long.getLong("zab.seedBase", System.nanoTime() & 0xFFFF_FFFF_FFFFL);
      System.out.printf("SEEDS=%d from base %d (replay one with -Dzab.seed=N)%n", count, base);
      seeds = LongStream.range(base, base + count).boxed().toList();
    }
    boolean verbose = seeds.size() <= 1000;
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicLong steps = new AtomicLong();
    AtomicLong committed = new AtomicLong();
    java.util.Map<String, Long> stats = new java.util.concurrent.ConcurrentSkipListMap<>();
    long start = System.nanoTime();
    seeds.parallelStream()
        .forEach(
            seed -> {
              SimOptions options =
                  SimOptions.draw(new java.util.SplittableRandom(seed ^ 0x5DEECE66DL));
              try {
                Simulation.Result r = new Simulation(seed, options).run();
                steps.addAndGet(r.steps());
                committed.addAndGet(r.committed());
                r.stats().forEach((k, v) -> stats.merge(k, v, Long::sum));
                stats.merge("crashes", r.crashes(), Long::sum);
                stats.merge("partitions", r.partitions(), Long::sum);
                stats.merge("epochsEstablished", r.epochs(), Long::sum);
                stats.merge("messagesDropped", r.messagesDropped(), Long::sum);
                if (verbose) {
                  System.out.printf(
                      "SEED=%d ok committed=%d epochs=%d crashes=%d partitions=%d steps=%d %s%n",
                      seed,
                      r.committed(),
                      r.epochs(),
                      r.crashes(),
                      r.partitions(),
                      r.steps(),
                      options);
                }
              } catch (RuntimeException e) {
                String line =
                    "SEED="
                        + seed
                        + " FAILED "
                        + e
                        + " options="
                        + options
                        + "\n  replay: ./mvnw -B -ntp -pl replication test -Dtest=SimulationTest"
                        + " -Dzab.seed="
                        + seed
                        + " [-Dzab.trace=true]";
                System.out.println(line);
                if (!(e instanceof InvariantViolation)) {
                  e.printStackTrace(System.out);
                }
                failures.add(line);
              }
            });
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "SIMULATION seeds=%d failures=%d committed=%d steps=%d in %.1f s (%.0f steps/s)%n",
        seeds.size(),
        failures.size(),
        committed.get(),
        steps.get(),
        seconds,
        steps.get() / seconds);
    System.out.println("COVERAGE " + stats);
    assertThat(failures).isEmpty();
  }

  @Test
  void oneSeedReplaysTheSameRun() {
    for (long seed : new long[] {1, 42, 4242}) {
      Simulation.Result a = Simulation.runSeed(seed);
      Simulation.Result b = Simulation.runSeed(seed);
      assertThat(b).isEqualTo(a);
    }
  }
}
