package io.zabtx.bench;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/** Renders the collected results as the Markdown report. */
final class Report {

  private Report() {}

  // The physical floor of this machine, from shared/VERSIONS.md (minimal programs, loopback,
  // leader + 2 followers, 1 KiB, fsync on each side).
  static final double FLOOR_W1_TPUT = 5_600;
  static final double FLOOR_W1_P50_US = 165;
  static final double FLOOR_W1_P99_US = 420;
  static final double FLOOR_SAT_TPUT = 166_000;
  static final double FLOOR_SAT_P50_US = 5_800;
  static final double FLOOR_SAT_P99_US = 10_500;

  private static Properties p;

  static void run(Args a) throws Exception {
    p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(a.get("results")))) {
      p.load(r);
    }
    String env = Files.readString(Path.of(a.get("env")));
    String jfr = Files.exists(Path.of(a.get("jfr"))) ? Files.readString(Path.of(a.get("jfr"))) : "";
    StringBuilder o = new StringBuilder();
    o.append("# ZabTX replication vs ZooKeeper 3.9.5 — ").append(s("meta.date")).append("\n\n");
    o.append("Command: `").append(a.get("command")).append("` (from the repository root)  \n");
    o.append("Total run time: ").append(s("meta.runtime_s")).append(" s (build ");
    o.append(s("meta.build_s")).append(" s)  \n");
    o.append("Git: ").append(s("meta.git")).append("\n\n");
    o.append(
        "Three nodes and the load client on one machine, all on 127.0.0.1, fsync on, 1 KiB"
            + " writes on 100 keys. ZabTX: one bidi `Propose` stream to the leader with the given"
            + " window of unanswered proposals. ZooKeeper: one session connected to the leader,"
            + " async `setData` with the same window. Each cluster is first pre-warmed at window 200"
            + " until its leader's C2 JIT thread is nearly idle (ZabTX: "
            + s("meta.prewarm_s_zab")
            + " s, C2 at the end "
            + s("meta.prewarm_c2_zab")
            + " cores; ZooKeeper: "
            + s("meta.prewarm_s_zk")
            + " s, "
            + s("meta.prewarm_c2_zk")
            + " cores), then each load runs "
            + s("meta.warmup_s")
            + " s unmeasured, then "
            + s("meta.duration_s")
            + " s measured (latency = send to reply, HdrHistogram).\n\n");

    o.append("## Results\n\n");
    o.append("| metric | ZabTX | ZooKeeper | ZabTX ÷ ZK | floor (VERSIONS.md) | ZabTX ÷ floor |\n");
    o.append("|---|---:|---:|---:|---:|---:|\n");
    row(
        o,
        "throughput, window 1 (writes/s)",
        "zab.w1.throughput",
        "zk.w1.throughput",
        1,
        "%.0f",
        FLOOR_W1_TPUT);
    row(
        o,
        "p50 latency, window 1 (µs)",
        "zab.w1.p50_us",
        "zk.w1.p50_us",
        1,
        "%.0f",
        FLOOR_W1_P50_US);
    row(
        o,
        "p99 latency, window 1 (µs)",
        "zab.w1.p99_us",
        "zk.w1.p99_us",
        1,
        "%.0f",
        FLOOR_W1_P99_US);
    row(
        o,
        "throughput, window 1000 (writes/s)",
        "zab.w1000.throughput",
        "zk.w1000.throughput",
        1,
        "%.0f",
        FLOOR_SAT_TPUT);
    row(
        o,
        "p50 latency, window 1000 (ms)",
        "zab.w1000.p50_us",
        "zk.w1000.p50_us",
        1e-3,
        "%.2f",
        FLOOR_SAT_P50_US);
    row(
        o,
        "p99 latency, window 1000 (ms)",
        "zab.w1000.p99_us",
        "zk.w1000.p99_us",
        1e-3,
        "%.2f",
        FLOOR_SAT_P99_US);
    double zf = median("zab.failover.", ".ms");
    double kp = median("zk.failover.", ".probe_ms");
    double ks = median("zk.failover.", ".session_ms");
    o.append(
        String.format(
            "| failover: SIGKILL leader → first write committed, median of %d (ms) | %s | %s"
                + " (probe) | %s | — | — |%n",
            count("zab.failover.", ".ms"), fmt(zf, "%.0f"), fmt(kp, "%.0f"), ratio(zf, kp)));
    o.append(
        String.format(
            "| failover as the application's own ZK session sees it, median (ms) | — | %s | — | —"
                + " | — |%n%n",
            fmt(ks, "%.0f")));
    o.append(
        "Ratios: ZabTX ÷ ZooKeeper and ZabTX ÷ floor. For throughput higher is better (a floor"
            + " ratio of 0.5 means half the floor's rate); for latency and failover lower is"
            + " better (a floor ratio of 2 means twice the floor's latency). The floor is the"
            + " quorum write alone (no client hop, no state machine), measured with minimal"
            + " programs on this machine type: 5.6k/s at p50 165 µs / p99 420 µs one at a time,"
            + " 166k records/s at p50 5.8 ms / p99 10.5 ms with 1000 outstanding.\n\n");

    o.append("### Details\n\n");
    o.append(
        "| run | ops | errors | mean µs | p90 µs | p99.9 µs | max µs | elections (incl. warm-up) |\n");
    o.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String run : List.of("zab.w1", "zab.w1000", "zab.jfrrun", "zk.w1", "zk.w1000")) {
      if (p.getProperty(run + ".ops") == null) {
        continue;
      }
      o.append(
          String.format(
              "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
              run,
              s(run + ".ops"),
              s(run + ".errors"),
              s(run + ".mean_us"),
              s(run + ".p90_us"),
              s(run + ".p999_us"),
              s(run + ".max_us"),
              run.startsWith("zab") ? s(run + ".elections") : "n/a"));
    }
    o.append('\n');
    o.append(
        String.format(
            "ZabTX saturated run under JFR (profile settings, leader node %s): %s writes/s, p50 %s"
                + " µs, p99 %s µs, leader switches %s (JFR's overhead included; the table above is"
                + " without JFR).%n%n",
            s("meta.jfr_sid"),
            s("zab.jfrrun.throughput"),
            s("zab.jfrrun.p50_us"),
            s("zab.jfrrun.p99_us"),
            s("zab.jfrrun.leader_switches")));
    o.append(
        "ZabTX errors by kind at window 1000: NOT_LEADER "
            + s("zab.w1000.not_leader")
            + ", OVERLOADED "
            + s("zab.w1000.overloaded")
            + ", OUTCOME_UNKNOWN/STOPPED (proposals pending when a leader stepped down) "
            + s("zab.w1000.other_errors")
            + "; the client moved to a new leader "
            + s("zab.w1000.leader_switches")
            + " time(s) (leader "
            + s("zab.w1000.first_leader")
            + " → "
            + s("zab.w1000.final_leader")
            + ").\n\n");

    o.append("### Failover rounds\n\n");
    o.append(
        "| round | ZabTX killed → new leader | ZabTX ms | ZK killed | ZK probe ms | ZK session ms"
            + " (session was on) |\n|---:|---|---:|---|---:|---:|\n");
    for (int i = 1; i <= 20; i++) {
      String z = "zab.failover." + i;
      String k = "zk.failover." + i;
      if (p.getProperty(z + ".ms") == null && p.getProperty(k + ".probe_ms") == null) {
        continue;
      }
      o.append(
          String.format(
              "| %d | %s → %s | %s | %s | %s | %s (%s) |%n",
              i,
              s(z + ".killed_sid"),
              s(z + ".new_leader"),
              s(z + ".ms"),
              s(k + ".killed_sid"),
              s(k + ".probe_ms"),
              s(k + ".session_ms"),
              s(k + ".session_connected_to")));
    }
    o.append(
        "\nZabTX: the client keeps a Propose stream open to every node; after the SIGKILL it sends"
            + " a write to each survivor whenever that survivor has none in flight (NOT_LEADER"
            + " answers come back at once); the clock stops at the first committed reply. ZK"
            + " probe: every 20 ms a fresh ZooKeeper handle to a survivor (in turn) tries a"
            + " setData; the first success stops the clock (a fresh handle connects at once,"
            + " without the client library's reconnect back-off). ZK session: the light-load"
            + " session (connect string of all 3 servers) retrying its setData; it includes the"
            + " ZooKeeper client's random 0–1 s sleep before reconnecting, so it is what an"
            + " application sees, not what the ensemble can do. ZooKeeper runs tickTime=2000"
            + " (its sample config), but a SIGKILLed leader's sockets close at once, so followers"
            + " notice without waiting for a timeout.\n\n");

    o.append("## ZabTX leader heap during the saturated run\n\n");
    o.append(
        String.format(
            "Status `heap_used_bytes` every 200 ms during the measured %s s (%s samples): min %s"
                + " MiB, median %s MiB, max %s MiB. First half of the window: min %s / max %s"
                + " MiB; second half: min %s / max %s MiB.%n%n",
            s("zab.w1000.seconds"),
            s("zab.w1000.heap.samples"),
            s("zab.w1000.heap.min_mb"),
            s("zab.w1000.heap.median_mb"),
            s("zab.w1000.heap.max_mb"),
            s("zab.w1000.heap.first_half_min_mb"),
            s("zab.w1000.heap.first_half_max_mb"),
            s("zab.w1000.heap.second_half_min_mb"),
            s("zab.w1000.heap.second_half_max_mb")));
    o.append(
        String.format(
            "Live heap after a full GC (`jcmd GC.run`, then `GC.heap_info`), before → after the"
                + " saturated run: ZabTX leader %s → %s MiB (node %s → node %s); ZooKeeper leader %s"
                + " → %s MiB. Every server JVM runs with %s.%n%n",
            s("zab.live.before_mb"),
            s("zab.live.after_mb"),
            s("zab.live.before_sid"),
            s("zab.live.after_sid"),
            s("zk.live.before_mb"),
            s("zk.live.after_mb"),
            s("meta.server_jvm_opts")));

    o.append("## CPU per process during the measured windows\n\n");
    o.append("Cores used (CPU seconds ÷ wall seconds; the machine has ")
        .append(s("meta.nproc"))
        .append(" cores). *others* = the whole machine's busy CPU minus the benchmark's own")
        .append(" processes: work that was not ours (it should be near 0; kernel softirq work for")
        .append(" loopback traffic also lands there).\n\n");
    o.append("| run | leader | follower A | follower B | load client | machine | others |\n");
    o.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (String run : List.of("zab.w1", "zab.w1000", "zk.w1", "zk.w1000")) {
      List<String> cells = new ArrayList<>();
      for (String proc :
          List.of("leader", "followerA", "followerB", "client", "machine", "others")) {
        cells.add(s(run + ".cpu." + proc));
      }
      o.append(String.format("| %s | %s |%n", run, String.join(" | ", cells)));
    }
    o.append(
        "\n**Leader threads by CPU during the saturated runs** (cores, from `/proc/<pid>/task`,"
            + " no profiler attached; thread names as the kernel keeps them, 15 characters, pool"
            + " numbers folded to N)\n\n");
    o.append("| ZabTX leader thread | cores | ZooKeeper leader thread | cores |\n");
    o.append("|---|---:|---|---:|\n");
    String[] zt = p.getProperty("zab.w1000.leader_threads", "").split(";");
    String[] kt = p.getProperty("zk.w1000.leader_threads", "").split(";");
    for (int i = 0; i < Math.max(zt.length, kt.length); i++) {
      String[] z = i < zt.length ? nameAndValue(zt[i]) : new String[] {"", ""};
      String[] k = i < kt.length ? nameAndValue(kt[i]) : new String[] {"", ""};
      o.append(String.format("| %s | %s | %s | %s |%n", z[0], z[1], k[0], k[1]));
    }
    o.append(
        String.format(
            "%nMachine busy with other work just before the ZabTX phase: %s%%, before the"
                + " ZooKeeper phase: %s%% (the script waits for < 15%% up to QUIET_WAIT_S).%n%n",
            s("meta.busy_before_zab"), s("meta.busy_before_zk")));

    o.append("## Automatic flags\n\n");
    List<String> flags = new ArrayList<>();
    for (String run : List.of("zab.w1", "zab.w1000", "zk.w1", "zk.w1000")) {
      double others = num(run + ".cpu.others");
      if (others > 0.25) {
        flags.add(
            String.format(
                "%s: %.2f cores of other work ran during the measurement; its numbers are"
                    + " skewed.",
                run, others));
      }
    }
    for (String run : List.of("zab.w1", "zab.w1000", "zab.jfrrun")) {
      double el = num(run + ".elections");
      if (el > 0 || "true".equals(p.getProperty(run + ".leader_role_changed"))) {
        flags.add(
            String.format(
                "%s: the leader lost its quorum under load, in the warm-up or the measured window"
                    + " (%s new epoch(s) seen on the loaded node, leader %s → %s, %s switch(es) of"
                    + " the client to a new leader, NOT_LEADER replies: %s).",
                run,
                s(run + ".elections"),
                s(run + ".first_leader"),
                s(run + ".final_leader"),
                s(run + ".leader_switches"),
                s(run + ".not_leader")));
      }
    }
    if (num("zab.w1.throughput") < 0.5 * FLOOR_W1_TPUT) {
      flags.add(
          String.format(
              "ZabTX window 1 reaches %.0f%% of the one-at-a-time floor (5.6k/s).",
              100 * num("zab.w1.throughput") / FLOOR_W1_TPUT));
    }
    if (num("zab.w1000.throughput") < 0.25 * FLOOR_SAT_TPUT) {
      flags.add(
          String.format(
              "ZabTX at saturation reaches %.1f%% of the batched floor (166k/s).",
              100 * num("zab.w1000.throughput") / FLOOR_SAT_TPUT));
    }
    double liveBefore = num("zab.live.before_mb");
    double liveAfter = num("zab.live.after_mb");
    if (liveAfter > 2 * liveBefore + 32) {
      flags.add(
          String.format(
              "ZabTX leader live heap grew from %.0f to %.0f MiB over the saturated run.",
              liveBefore, liveAfter));
    }
    if (num("zab.w1000.heap.second_half_max_mb") > 1.5 * num("zab.w1000.heap.first_half_max_mb")
        && num("zab.w1000.heap.second_half_min_mb")
            > 1.5 * num("zab.w1000.heap.first_half_min_mb") + 16) {
      flags.add("ZabTX leader heap: both the floor and the peaks rose in the second half.");
    }
    if (flags.isEmpty()) {
      o.append("None.\n\n");
    } else {
      for (String f : flags) {
        o.append("- ").append(f).append('\n');
      }
      o.append('\n');
    }

    o.append("## Where the time goes: JFR of the ZabTX leader in a saturated run\n\n");
    o.append(
        "A separate saturated run with the leader recording; its first seconds (JFR set-up and the"
            + " recompilation it causes) are left out. That run's throughput: "
            + s("zab.jfrrun.throughput")
            + " writes/s (without JFR: "
            + s("zab.w1000.throughput")
            + "). Leader threads by CPU over the analysed window, from /proc (cores): "
            + p.getProperty("zab.jfrrun.leader_threads", "?").replace(";", ", ")
            + ". A large `C2 CompilerThre` share there means the profile shows a JVM still"
            + " recompiling, not the steady state of the table above.\n\n");
    o.append(jfr.isBlank() ? "(no recording)\n\n" : jfr);
    o.append("\n## Machine\n\n```\n").append(env.strip()).append("\n```\n");
    Files.writeString(Path.of(a.get("out")), o.toString());
  }

  private static void row(
      StringBuilder o,
      String label,
      String zabKey,
      String zkKey,
      double scale,
      String f,
      double floorUs) {
    double z = num(zabKey) * scale;
    double k = num(zkKey) * scale;
    double floor = floorUs * scale;
    o.append(
        String.format(
            "| %s | %s | %s | %s | %s | %s |%n",
            label, fmt(z, f), fmt(k, f), ratio(z, k), fmt(floor, f), ratio(z, floor)));
  }

  /** "name:value" split at the last colon (names such as SyncThread:N hold one themselves). */
  private static String[] nameAndValue(String s) {
    int i = s.lastIndexOf(':');
    return i < 0 ? new String[] {"", ""} : new String[] {s.substring(0, i), s.substring(i + 1)};
  }

  private static double num(String key) {
    String v = p.getProperty(key);
    try {
      return v == null ? Double.NaN : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String s(String key) {
    return p.getProperty(key, "?");
  }

  private static String fmt(double v, String f) {
    return Double.isNaN(v) ? "?" : String.format(f, v);
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "?" : String.format("%.2f", a / b);
  }

  private static List<Double> values(String prefix, String suffix) {
    List<Double> l = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      double v = num(prefix + i + suffix);
      if (!Double.isNaN(v)) {
        l.add(v);
      }
    }
    Collections.sort(l);
    return l;
  }

  private static int count(String prefix, String suffix) {
    return values(prefix, suffix).size();
  }

  private static double median(String prefix, String suffix) {
    List<Double> l = values(prefix, suffix);
    if (l.isEmpty()) {
      return Double.NaN;
    }
    int n = l.size();
    return n % 2 == 1 ? l.get(n / 2) : (l.get(n / 2 - 1) + l.get(n / 2)) / 2;
  }
}
