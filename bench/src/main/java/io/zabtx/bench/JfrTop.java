package io.zabtx.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/** Summarizes a JFR recording of the leader as Markdown: where its CPU and wall time went. */
final class JfrTop {

  private JfrTop() {}

  static final class Counter {
    final Map<String, Long> counts = new HashMap<>();
    long total;

    void add(String key, long n) {
      counts.merge(key, n, Long::sum);
      total += n;
    }

    List<Map.Entry<String, Long>> top(int n) {
      List<Map.Entry<String, Long>> l = new ArrayList<>(counts.entrySet());
      l.sort(Map.Entry.<String, Long>comparingByValue().reversed());
      return l.subList(0, Math.min(n, l.size()));
    }
  }

  static void run(Args a) throws Exception {
    int top = a.integer("top", 20);
    Counter byThread = new Counter();
    Counter selfFrames = new Counter();
    Counter selfPackages = new Counter();
    Counter zabInclusive = new Counter();
    Counter nativeFrames = new Counter();
    Counter nativeThreads = new Counter();
    Counter alloc = new Counter();
    Counter threadCpu = new Counter(); // sum of (user+system)*1e6 per thread
    Map<String, Long> threadCpuSamples = new HashMap<>();
    List<Long> fsyncNanos = new ArrayList<>();
    long execSamples = 0;
    long gcCount = 0;
    Duration gcPause = Duration.ZERO;
    Duration gcMaxPause = Duration.ZERO;
    List<Long> heapAfterGc = new ArrayList<>();
    double jvmCpu = 0;
    double machineCpu = 0;
    int cpuSamples = 0;
    Instant first = null;
    Instant last = null;
    // Starting a recording costs the JVM: the Attach Listener sets JFR up and instrumented JDK
    // classes (FileChannel.force, ...) are recompiled. Leave the first skip-s seconds out.
    double skipS = Double.parseDouble(a.get("skip-s", "0"));
    Instant recordingStart = null;
    try (RecordingFile f = new RecordingFile(Path.of(a.get("file")))) {
      while (f.hasMoreEvents()) {
        Instant t = f.readEvent().getStartTime();
        if (recordingStart == null || t.isBefore(recordingStart)) {
          recordingStart = t;
        }
      }
    }
    Instant from =
        recordingStart == null ? Instant.MIN : recordingStart.plusMillis((long) (skipS * 1000));
    try (RecordingFile f = new RecordingFile(Path.of(a.get("file")))) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        Instant t = e.getStartTime();
        if (t.isBefore(from)) {
          continue;
        }
        if (first == null || t.isBefore(first)) {
          first = t;
        }
        if (last == null || t.isAfter(last)) {
          last = t;
        }
        switch (e.getEventType().getName()) {
          case "jdk.ExecutionSample" -> {
            execSamples++;
            byThread.add(threadName(e.getThread("sampledThread")), 1);
            RecordedStackTrace st = e.getStackTrace();
            if (st != null && !st.getFrames().isEmpty()) {
              RecordedMethod m = st.getFrames().get(0).getMethod();
              selfFrames.add(name(m), 1);
              selfPackages.add(packageGroup(m.getType().getName()), 1);
              Set<String> seen = new HashSet<>();
              for (RecordedFrame fr : st.getFrames()) {
                String cls = fr.getMethod().getType().getName();
                if (cls.startsWith("io.zabtx.")) {
                  String n = name(fr.getMethod());
                  if (seen.add(n)) {
                    zabInclusive.add(n, 1);
                  }
                }
              }
            }
          }
          case "jdk.NativeMethodSample" -> {
            nativeThreads.add(threadName(e.getThread("sampledThread")), 1);
            RecordedStackTrace st = e.getStackTrace();
            if (st != null && !st.getFrames().isEmpty()) {
              // the native frame plus its first Java caller outside java.*/sun.* for context
              String n = name(st.getFrames().get(0).getMethod());
              for (RecordedFrame fr : st.getFrames()) {
                String cls = fr.getMethod().getType().getName();
                if (!cls.startsWith("java.")
                    && !cls.startsWith("sun.")
                    && !cls.startsWith("jdk.")) {
                  n += "  <-  " + name(fr.getMethod());
                  break;
                }
              }
              nativeFrames.add(n, 1);
            }
          }
          case "jdk.FileForce" -> fsyncNanos.add(e.getDuration().toNanos());
          case "jdk.GarbageCollection" -> {
            gcCount++;
            Duration p = e.getDuration("sumOfPauses");
            gcPause = gcPause.plus(p);
            if (e.getDuration("longestPause").compareTo(gcMaxPause) > 0) {
              gcMaxPause = e.getDuration("longestPause");
            }
          }
          case "jdk.GCHeapSummary" -> {
            if ("After GC".equals(e.getString("when"))) {
              heapAfterGc.add(e.getLong("heapUsed"));
            }
          }
          case "jdk.ObjectAllocationSample" ->
              alloc.add(e.getClass("objectClass").getName(), e.getLong("weight"));
          case "jdk.CPULoad" -> {
            jvmCpu += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
            machineCpu += e.getFloat("machineTotal");
            cpuSamples++;
          }
          case "jdk.ThreadCPULoad" -> {
            String tn = threadName(e.getThread());
            threadCpu.add(tn, (long) ((e.getFloat("user") + e.getFloat("system")) * 1e6));
            threadCpuSamples.merge(tn, 1L, Long::sum);
          }
          default -> {}
        }
      }
    }
    double seconds = first == null ? 0 : Duration.between(first, last).toMillis() / 1000.0;
    StringBuilder o = new StringBuilder();
    o.append(
        String.format(
            "Analysed: %.1f s of the recording (its first %.0f s left out); %d Java execution samples (threads running Java code, every 10 ms"
                + " per thread), %d native samples (threads inside native code, every 20 ms).%n%n",
            seconds, skipS, execSamples, nativeThreads.total));
    if (cpuSamples > 0) {
      o.append(
          String.format(
              "CPU (jdk.CPULoad, fraction of the whole 2-core machine): leader JVM %.0f%%, machine"
                  + " total %.0f%%.%n%n",
              100 * jvmCpu / cpuSamples, 100 * machineCpu / cpuSamples));
    }
    if (!threadCpu.counts.isEmpty()) {
      o.append(
          "**Leader threads by CPU** (jdk.ThreadCPULoad, % of one machine-wide CPU share)\n\n");
      o.append("| thread | CPU % |\n|---|---:|\n");
      List<Map.Entry<String, Long>> l = new ArrayList<>(threadCpu.counts.entrySet());
      l.replaceAll(
          en ->
              Map.entry(
                  en.getKey(), en.getValue() / Math.max(1, threadCpuSamples.get(en.getKey()))));
      l.sort(Map.Entry.<String, Long>comparingByValue().reversed());
      for (Map.Entry<String, Long> en : l.subList(0, Math.min(12, l.size()))) {
        if (en.getValue() < 2000) {
          break;
        }
        o.append(String.format("| %s | %.1f |%n", en.getKey(), en.getValue() / 1e4));
      }
      o.append('\n');
    }
    table(o, "Java execution samples by thread", byThread, 12, "thread");
    table(o, "Top self frames (where Java CPU time is spent)", selfFrames, top, "method");
    table(o, "Self samples by package", selfPackages, 15, "package");
    table(
        o,
        "ZabTX methods on the stack (inclusive: share of Java samples with the method anywhere on"
            + " the stack)",
        zabInclusive,
        top,
        "method",
        byThread.total);
    table(
        o,
        "Native samples by thread (waiting or working in native code)",
        nativeThreads,
        12,
        "thread");
    table(
        o, "Top native frames (native method <- first non-JDK caller)", nativeFrames, 15, "frame");
    if (!fsyncNanos.isEmpty()) {
      Collections.sort(fsyncNanos);
      long sum = 0;
      for (long n : fsyncNanos) {
        sum += n;
      }
      o.append(
          String.format(
              "**fsync** (jdk.FileForce, all of them): %d calls, %.0f/s, mean %.0f µs, p50 %.0f"
                  + " µs, p99 %.0f µs, max %.0f µs; %.0f%% of the recording spent in fsync.%n%n",
              fsyncNanos.size(),
              fsyncNanos.size() / Math.max(seconds, 1e-9),
              sum / 1e3 / fsyncNanos.size(),
              fsyncNanos.get(fsyncNanos.size() / 2) / 1e3,
              fsyncNanos.get((int) (fsyncNanos.size() * 0.99)) / 1e3,
              fsyncNanos.get(fsyncNanos.size() - 1) / 1e3,
              100.0 * sum / 1e9 / Math.max(seconds, 1e-9)));
    }
    if (gcCount > 0) {
      Collections.sort(heapAfterGc);
      o.append(
          String.format(
              "**GC**: %d collections, %.1f ms paused in total (%.2f%% of the time), longest pause"
                  + " %.1f ms; heap after GC min %.0f MiB, max %.0f MiB.%n%n",
              gcCount,
              gcPause.toNanos() / 1e6,
              100.0 * gcPause.toNanos() / 1e9 / Math.max(seconds, 1e-9),
              gcMaxPause.toNanos() / 1e6,
              heapAfterGc.isEmpty() ? 0 : heapAfterGc.get(0) / 1048576.0,
              heapAfterGc.isEmpty() ? 0 : heapAfterGc.get(heapAfterGc.size() - 1) / 1048576.0));
    }
    if (alloc.total > 0) {
      o.append(
          String.format(
              "**Allocation**: ~%.0f MiB/s sampled (jdk.ObjectAllocationSample weights).%n%n",
              alloc.total / 1048576.0 / Math.max(seconds, 1e-9)));
      table(o, "Allocated bytes by class (sampled)", alloc, 12, "class");
    }
    System.out.print(o);
  }

  private static void table(StringBuilder o, String title, Counter c, int n, String what) {
    table(o, title, c, n, what, c.total);
  }

  private static void table(
      StringBuilder o, String title, Counter c, int n, String what, long total) {
    if (c.total == 0) {
      return;
    }
    o.append("**").append(title).append("**\n\n");
    o.append("| ").append(what).append(" | samples | % |\n|---|---:|---:|\n");
    for (Map.Entry<String, Long> e : c.top(n)) {
      o.append(
          String.format(
              "| `%s` | %d | %.1f |%n",
              e.getKey().replace("|", "\\|"), e.getValue(), 100.0 * e.getValue() / total));
    }
    o.append('\n');
  }

  private static String name(RecordedMethod m) {
    return m.getType().getName() + "." + m.getName();
  }

  private static String threadName(RecordedThread t) {
    if (t == null) {
      return "?";
    }
    String n = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
    // collapse numbered pool threads: grpc-default-executor-3 -> grpc-default-executor-N
    return n == null ? "?" : n.replaceAll("-\\d+$", "-N").replaceAll("#\\d+", "#N");
  }

  private static String packageGroup(String cls) {
    if (cls.startsWith("io.grpc.netty.shaded.io.netty.")) {
      return "io.grpc.netty.shaded.io.netty.*";
    }
    int i = cls.lastIndexOf('.');
    return i < 0 ? cls : cls.substring(0, i);
  }
}
