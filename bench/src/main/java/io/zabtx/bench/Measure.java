package io.zabtx.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One load run's bookkeeping: a latency recorder, success and error counters, and the CPU time of
 * the named processes (read from /proc) and of this client over the measured interval.
 */
final class Measure {

  private static final long MAX_LATENCY = TimeUnit.MINUTES.toNanos(2);

  final Recorder recorder = new Recorder(MAX_LATENCY, 3);
  final AtomicLong ok = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  private final Map<String, Long> cpuPids;

  private long t0;
  private long ok0;
  private long err0;
  private Map<String, Long> cpu0;

  private Histogram histogram;
  private double seconds;
  private long okCount;
  private long errCount;
  private Map<String, Long> cpu1;
  private Map<String, Long> threads0;
  private Map<String, Long> threads1;

  Measure(Map<String, Long> cpuPids) {
    this.cpuPids = cpuPids;
  }

  void record(long latencyNanos) {
    recorder.recordValue(Math.min(Math.max(latencyNanos, 1), MAX_LATENCY));
    ok.incrementAndGet();
  }

  void begin() {
    recorder.getIntervalHistogram(); // drop the warm-up
    threads0 = threadTicks(cpuPids.get("leader"));
    cpu0 = cpuTicks();
    ok0 = ok.get();
    err0 = errors.get();
    t0 = System.nanoTime();
  }

  void end() {
    long t1 = System.nanoTime();
    histogram = recorder.getIntervalHistogram();
    okCount = ok.get() - ok0;
    errCount = errors.get() - err0;
    cpu1 = cpuTicks();
    threads1 = threadTicks(cpuPids.get("leader"));
    seconds = (t1 - t0) / 1e9;
  }

  /** Prints throughput, latency percentiles (µs) and CPU use (cores). */
  void print(String prefix) {
    Args.result(prefix, "seconds", String.format("%.2f", seconds));
    Args.result(prefix, "ops", okCount);
    Args.result(prefix, "errors", errCount);
    Args.result(prefix, "throughput", String.format("%.0f", okCount / seconds));
    Args.result(prefix, "samples", histogram.getTotalCount());
    Args.result(prefix, "mean_us", us(histogram.getMean()));
    Args.result(prefix, "p50_us", us(histogram.getValueAtPercentile(50)));
    Args.result(prefix, "p90_us", us(histogram.getValueAtPercentile(90)));
    Args.result(prefix, "p99_us", us(histogram.getValueAtPercentile(99)));
    Args.result(prefix, "p999_us", us(histogram.getValueAtPercentile(99.9)));
    Args.result(prefix, "max_us", us(histogram.getMaxValue()));
    double ours = 0;
    double machine = -1;
    for (Map.Entry<String, Long> e : cpu1.entrySet()) {
      Long before = cpu0.get(e.getKey());
      if (before != null && e.getValue() >= 0 && before >= 0) {
        double cores =
            e.getKey().equals("client")
                ? (e.getValue() - before) / 1e9 / seconds
                : (e.getValue() - before) / 100.0 / seconds; // /proc ticks are 1/100 s here
        if (e.getKey().equals("machine")) {
          machine = cores;
        } else {
          ours += cores;
          Args.result(prefix, "cpu." + e.getKey(), String.format("%.2f", cores));
        }
      }
    }
    if (threads0 != null && threads1 != null && !threads1.isEmpty()) {
      // the leader's threads by CPU over the window (from /proc, so without any profiler)
      Map<String, Double> byName = new java.util.TreeMap<>();
      for (Map.Entry<String, Long> e : threads1.entrySet()) {
        long before = threads0.getOrDefault(e.getKey(), 0L);
        String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
        byName.merge(name, (e.getValue() - before) / 100.0 / seconds, Double::sum);
      }
      StringBuilder b = new StringBuilder();
      byName.entrySet().stream()
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .limit(12)
          .filter(e -> e.getValue() >= 0.005)
          .forEach(
              e ->
                  b.append(b.length() == 0 ? "" : ";")
                      .append(e.getKey().replace(';', ' ').replace('=', ' '))
                      .append(':')
                      .append(String.format("%.2f", e.getValue())));
      Args.result(prefix, "leader_threads", b);
    }
    if (machine >= 0) {
      // CPU that neither the benchmark's servers nor its client used: other work on the machine
      Args.result(prefix, "cpu.machine", String.format("%.2f", machine));
      Args.result(prefix, "cpu.others", String.format("%.2f", Math.max(0, machine - ours)));
    }
  }

  private static String us(double nanos) {
    return String.format("%.1f", nanos / 1000.0);
  }

  private Map<String, Long> cpuTicks() {
    Map<String, Long> r = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : cpuPids.entrySet()) {
      r.put(e.getKey(), procTicks(e.getValue()));
    }
    r.put("machine", machineBusyTicks());
    r.put(
        "client",
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime());
    return r;
  }

  /**
   * utime + stime per thread of a process, keyed "tid name" with the digits at the end of the name
   * folded (pool threads), or null.
   */
  static Map<String, Long> threadTicks(Long pid) {
    if (pid == null) {
      return null;
    }
    Map<String, Long> r = new LinkedHashMap<>();
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String s = Files.readString(t.resolve("stat"));
          String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
          String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
          String folded = name.replaceAll("\\d+$", "N").replaceAll("#\\d+", "#N");
          r.put(t.getFileName() + " " + folded, Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (Exception gone) {
          // the thread ended
        }
      }
    } catch (Exception e) {
      return null;
    }
    return r;
  }

  /** Busy clock ticks of all CPUs (everything but idle and iowait), or -1. */
  static long machineBusyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1;
          i < Math.min(f.length, 9);
          i++) { // user nice system idle iowait irq softirq steal
        if (i != 4 && i != 5) {
          busy += Long.parseLong(f[i]);
        }
      }
      return busy;
    } catch (Exception e) {
      return -1;
    }
  }

  /** utime + stime of a process in clock ticks, or -1. */
  static long procTicks(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": field 3 is state -> index 0; utime is field 14 -> index 11
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return -1;
    }
  }
}
