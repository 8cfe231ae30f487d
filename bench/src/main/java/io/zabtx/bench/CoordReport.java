package io.zabtx.bench;

import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/** Writes bench/results/coordinator-*.md from the run's results.properties. */
final class CoordReport {

  private final Properties r = new Properties();
  private final StringBuilder out = new StringBuilder();

  private CoordReport() {}

  static void run(Args a) throws Exception {
    CoordReport rep = new CoordReport();
    try (FileReader f = new FileReader(a.get("results"))) {
      rep.r.load(f);
    }
    String env = Files.readString(Path.of(a.get("env")));
    String jfr = Files.exists(Path.of(a.get("jfr"))) ? Files.readString(Path.of(a.get("jfr"))) : "";
    rep.write(a.get("command"), env, jfr);
    Files.writeString(Path.of(a.get("out")), rep.out);
  }

  private String s(String k) {
    return r.getProperty(k, "");
  }

  private double d(String k) {
    try {
      return Double.parseDouble(r.getProperty(k, "NaN"));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String f0(double v) {
    return Double.isNaN(v) ? "–" : String.format("%,.0f", v);
  }

  private static String f2(double v) {
    return Double.isNaN(v) ? "–" : String.format("%.2f", v);
  }

  private static String ms(double us) {
    return Double.isNaN(us) ? "–" : String.format("%.2f ms", us / 1000);
  }

  private void line(String... parts) {
    for (String p : parts) {
      out.append(p);
    }
    out.append('\n');
  }

  private static String cell(String api, String proto, int b, String c) {
    return "co." + api + "." + proto + ".b" + b + ".c" + c;
  }

  private String met(boolean known, boolean ok) {
    return !known ? "not measured" : ok ? "**met**" : "**not met**";
  }

  private void write(String command, String env, String jfr) {
    boolean quick = "1".equals(s("meta.quick"));
    String sat = s("meta.sat_c");
    line("# Coordinator benchmark", quick ? " (quick run)" : "", ": ", s("meta.date"));
    line();
    if (quick) {
      line(
          "**Quick run** (`--quick`): ",
          s("meta.warmup_s"),
          " s warm-up + ",
          s("meta.duration_s"),
          " s per cell, a reduced matrix, ",
          s("meta.heap_s"),
          " s heap run, ",
          s("meta.failovers"),
          " failovers. A smoke test of the benchmark, not a measurement to quote.");
      line();
    }
    line("- Command: `", command, "`");
    line("- Commit: ", s("meta.git"));
    line(
        "- Run time: ",
        s("meta.runtime_s"),
        " s (build ",
        s("meta.build_s"),
        " s; the 3 coordinators took ",
        s("meta.coordinator_start_s"),
        " s to start and elect)");
    line("- Raw numbers: `bench/target/run-coordinator/results.properties`, logs beside it.");
    line(
        "- 3 coordinator JVMs, one no-op participant JVM serving all 8 branch slots (8 gRPC servers,"
            + " directExecutor), one load-client JVM, all on 127.0.0.1, on the machine below. Other"
            + " people built and tested on the same 2 cores during the run: see *others* in the"
            + " cell table.");
    line();

    // ---- goals
    String g32 = cell("grpc", "2pc", 2, "32");
    String g1 = cell("grpc", "2pc", 2, "1");
    String r32 = cell("rest", "2pc", 2, "32");
    String g3_32 = cell("grpc", "3pc", 2, "32");
    String g3_1 = cell("grpc", "3pc", 2, "1");
    String g8 = cell("grpc", "2pc", 8, "32");
    List<Double> fo = failovers();
    double foMed = fo.isEmpty() ? Double.NaN : median(fo);
    String hk = "co.heap.grpc.2pc.b2.c" + sat;
    double h1 = d(hk + ".heap.t1.min_mb");
    double h3 = d(hk + ".heap.t3.min_mb");
    double hx1 = d(hk + ".heap.t1.max_mb");
    double hx3 = d(hk + ".heap.t3.max_mb");
    boolean heapFlat = h3 <= h1 * 1.25 + 16 && hx3 <= hx1 * 1.25 + 16;
    line("## Goals (2 branches, 2PC, 3 nodes unless said)");
    line();
    line("| goal | measured | |");
    line("|---|---|---|");
    line(
        "| gRPC, C=32: ≥ 3,000 tx/s | ",
        f0(d(g32 + ".throughput")),
        " tx/s | ",
        met(!Double.isNaN(d(g32 + ".throughput")), d(g32 + ".throughput") >= 3000),
        " |");
    line(
        "| REST, C=32: ≥ 1,500 tx/s | ",
        f0(d(r32 + ".throughput")),
        " tx/s | ",
        met(!Double.isNaN(d(r32 + ".throughput")), d(r32 + ".throughput") >= 1500),
        " |");
    line(
        "| gRPC, C=1: p50 ≤ 1 ms | ",
        ms(d(g1 + ".p50_us")),
        " | ",
        met(!Double.isNaN(d(g1 + ".p50_us")), d(g1 + ".p50_us") <= 1000),
        " |");
    double t23 = d(g32 + ".throughput") / d(g3_32 + ".throughput");
    double l23 = d(g3_1 + ".p50_us") / d(g1 + ".p50_us");
    line(
        "| 3PC within 1.3× of 2PC (gRPC: C=32 tx/s, C=1 p50) | 2PC÷3PC tx/s ",
        f2(t23),
        "; 3PC÷2PC p50 ",
        f2(l23),
        " | ",
        met(!Double.isNaN(t23) && !Double.isNaN(l23), t23 <= 1.3 && l23 <= 1.3),
        " |");
    double b82 = d(g8 + ".throughput") / d(g32 + ".throughput");
    line(
        "| 8 branches ≥ ½ the tx/s of 2 (gRPC 2PC C=32) | ",
        f0(d(g8 + ".throughput")),
        " vs ",
        f0(d(g32 + ".throughput")),
        " = ",
        f2(b82),
        " | ",
        met(!Double.isNaN(b82), b82 >= 0.5),
        " |");
    line(
        "| failover (SIGKILL of the leader → next commit) median < 1 s | median ",
        fo.isEmpty() ? "–" : f0(foMed) + " ms",
        ", max ",
        fo.isEmpty() ? "–" : f0(Collections.max(fo)) + " ms",
        " (",
        fo.size() + "/" + s("meta.failovers"),
        " rounds) | ",
        met(!fo.isEmpty(), foMed < 1000 && fo.size() == (int) d("meta.failovers")),
        " |");
    line(
        "| heap flat over the saturated run (",
        s("meta.heap_s"),
        " s) | min/max MiB per third: ",
        f0(h1) + "/" + f0(hx1) + ", ",
        f0(d(hk + ".heap.t2.min_mb")) + "/" + f0(d(hk + ".heap.t2.max_mb")) + ", ",
        f0(h3) + "/" + f0(hx3),
        " | ",
        met(!Double.isNaN(h1) && !Double.isNaN(h3), heapFlat),
        " |");
    line();
    line(
        "Heap *flat* means: neither the last third's minimum nor its maximum exceeds the first"
            + " third's by more than 25 % + 16 MiB. `jvm.memory.used{area=heap}` is a sawtooth"
            + " between collections, so the minimum per third is the better view of what is live.");
    line();

    // ---- floor
    double q = d("floor.quorum.p50_us");
    double rt1 = d("floor.rtt.par1.p50_us");
    line("## The floor (measured in the same run with minimal programs)");
    line();
    line("| component | p50 | p99 |");
    line("|---|---|---|");
    line(
        "| quorum write: 3-node `ZabServerMain`, window 1, 1 KiB, fsync on | ",
        ms(q),
        " | ",
        ms(d("floor.quorum.p99_us")),
        " |");
    for (String b : new String[] {"1", "2", "8"}) {
      line(
          "| gRPC unary round trip to the no-op participant, ",
          b.equals("1") ? "1 outstanding" : b + " in parallel (all answered)",
          " | ",
          ms(d("floor.rtt.par" + b + ".p50_us")),
          " | ",
          ms(d("floor.rtt.par" + b + ".p99_us")),
          " |");
    }
    line();
    line(
        "- *Protocol floor* 2PC = quorum write + 1 parallel round of B participant calls (Prepare);"
            + " 3PC = quorum write + 2 parallel rounds (CanCommit, PreCommit), as issue 7 defines"
            + " it. By DESIGN.md §3.3 the coordinator answers a 3PC commit once `PreCommit` is"
            + " logged, before the preCommit round, so the client-visible critical path of 3PC is,"
            + " like 2PC's, one round + one quorum write; phase 2 (commit / doCommit) is off the"
            + " client's path in both.");
    line(
        "- *API floor* adds the client's own round trips to the coordinator: Begin, one parallel"
            + " round of B RegisterBranch calls, Commit = 3 round trips (≈ 3 × the 1-outstanding"
            + " gRPC round trip above; loopback, same cost as a participant call).");
    line();
    line("| B | protocol | protocol floor | API floor | measured p50, gRPC C=1 | ÷ API floor |");
    line("|---|---|---|---|---|---|");
    for (int b : new int[] {2, 8}) {
      double par = d("floor.rtt.par" + b + ".p50_us");
      for (String p : new String[] {"2pc", "3pc"}) {
        double prot = q + (p.equals("2pc") ? 1 : 2) * par;
        double api = prot + 2 * rt1 + par;
        double meas = d(cell("grpc", p, b, "1") + ".p50_us");
        line(
            "| ",
            Integer.toString(b),
            " | ",
            p.toUpperCase(),
            " | ",
            ms(prot),
            " | ",
            ms(api),
            " | ",
            ms(meas),
            " | ",
            f2(meas / api),
            " |");
      }
    }
    line();
    line(
        "(API floor = protocol floor + Begin + Commit (1-outstanding round trips) + one parallel"
            + " round of B registrations.) The floor's throughput side: one quorum write at a"
            + " time gave ",
        f0(d("floor.quorum.throughput")),
        " writes/s; ZAB batches under load (bench/results/replication-vs-zookeeper-*.md).");
    line();

    // ---- cells
    line("## Cells");
    line();
    line(
        "Latency = Begin sent → Commit answered (commit point quorum-durable), HdrHistogram;"
            + " *commit* = the Commit call alone. *writes/tx* = the leader's `zab_proposals_total`"
            + " over the window ÷ transactions committed in it. CPU in cores (2 available) over"
            + " the window; *others* = work on the machine that is not this benchmark's.");
    line();
    line(
        "| api | proto | B | C | tx/s | p50 | p99 | commit p50 | commit p99 | errors | writes/tx"
            + " | CPU leader | followers | participants | client | others |");
    line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (String c : s("meta.cells").split(",")) {
      String[] p = c.split(":");
      if (p.length < 4) {
        continue;
      }
      String k = "co." + p[0] + "." + p[1].toLowerCase() + ".b" + p[2] + ".c" + p[3];
      double ops = d(k + ".ops");
      double prop = d(k + ".proposals");
      String errs = s(k + ".errors");
      if (!s(k + ".error_kinds").isEmpty()) {
        errs += " (" + s(k + ".error_kinds").replace(";", ", ") + ")";
      }
      line(
          "| ",
          p[0].equals("rest") ? "REST" : "gRPC",
          " | ",
          p[1],
          " | ",
          p[2],
          " | ",
          p[3],
          " | ",
          f0(d(k + ".throughput")),
          " | ",
          ms(d(k + ".p50_us")),
          " | ",
          ms(d(k + ".p99_us")),
          " | ",
          ms(d(k + ".commit_p50_us")),
          " | ",
          ms(d(k + ".commit_p99_us")),
          " | ",
          errs,
          " | ",
          ops > 0 ? f2(prop / ops) : "–",
          " | ",
          s(k + ".cpu.leader"),
          " | ",
          f2(d(k + ".cpu.followerA") + d(k + ".cpu.followerB")),
          " | ",
          s(k + ".cpu.participants"),
          " | ",
          s(k + ".cpu.client"),
          " | ",
          s(k + ".cpu.others"),
          " |");
    }
    line();
    line(
        "REST cells: Begin and Commit over REST (`POST /api/v1/transactions`, `POST"
            + " …/{xid}/commit`; C loops, each a thread with its own HTTP/1.1 keep-alive socket"
            + " (a minimal blocking client, RawHttp: the JDK HttpClient cost more CPU than the"
            + " coordinator serving it)); branch registration still goes over gRPC `CoordinatorService`, because"
            + " the REST API has no registration endpoint (participants register over gRPC).");
    line();
    line("Leader threads by CPU (from /proc, no profiler), per cell:");
    line();
    for (String c : s("meta.cells").split(",")) {
      String[] p = c.split(":");
      if (p.length < 4) {
        continue;
      }
      String k = "co." + p[0] + "." + p[1].toLowerCase() + ".b" + p[2] + ".c" + p[3];
      line("- ", c, ": ", s(k + ".leader_threads").replace(";", ", "));
    }
    line();

    // ---- failover
    line("## Failover rounds");
    line();
    line(
        "Load: 4 loops of 2PC B=2 over gRPC with a 1 s deadline per call. The client kills the"
            + " leader (`destroyForcibly`, SIGKILL) and the clock starts there; a loop whose call"
            + " fails moves to the next node after 20 ms (followers forward to the leader); the"
            + " clock stops at the first commit answered by a surviving node. The killed node is"
            + " restarted on its data before the next round.");
    line();
    line(
        "| round | killed | commits (errors) in the 2 s before | first commit via | ms | errors"
            + " after kill |");
    line("|---|---|---|---|---|---|");
    for (int i = 1; i <= (int) d("meta.failovers"); i++) {
      String k = "co.failover." + i;
      line(
          "| ",
          Integer.toString(i),
          " | ",
          s(k + ".killed_sid"),
          " | ",
          s(k + ".commits_before"),
          " (",
          s(k + ".errors_before"),
          ") | ",
          s(k + ".first_node"),
          " | ",
          s(k + ".ms"),
          " | ",
          s(k + ".errors_after_kill"),
          " ",
          s(k + ".error_kinds").replace(";", ", "),
          " |");
    }
    line();

    // ---- heap
    line("## Leader heap over the saturated run");
    line();
    line(
        "gRPC 2PC B=2 C=",
        sat,
        ", ",
        s("meta.heap_s"),
        " s measured (after ",
        s("meta.warmup_s"),
        " s warm-up): ",
        f0(d(hk + ".throughput")),
        " tx/s, p50 ",
        ms(d(hk + ".p50_us")),
        ", p99 ",
        ms(d(hk + ".p99_us")),
        ", errors ",
        s(hk + ".errors"),
        ". `GET /actuator/metrics/jvm.memory.used?tag=area:heap` on the leader every second (",
        s(hk + ".heap.samples"),
        " samples).");
    line();
    line("| third | min MiB | max MiB |");
    line("|---|---|---|");
    for (int t = 1; t <= 3; t++) {
      line(
          "| ",
          Integer.toString(t),
          " | ",
          s(hk + ".heap.t" + t + ".min_mb"),
          " | ",
          s(hk + ".heap.t" + t + ".max_mb"),
          " |");
    }
    line();

    // ---- profile
    line("## Profile: JFR of the leader under saturation");
    line();
    line(
        "`jcmd JFR.start` (profile.jfc minus socket/file I/O events) on leader node ",
        s("meta.jfr_sid"),
        " during a separate saturated gRPC run (2PC B=2 C=",
        sat,
        ": ",
        f0(d("co.jfrrun.grpc.2pc.b2.c" + sat + ".throughput")),
        " tx/s under JFR); summarized by `JfrTop` (the recording's first seconds, JFR set-up and"
            + " recompilation, are left out). The recording: `bench/target/coordinator-leader-last.jfr`.");
    line();
    out.append(jfr.isBlank() ? "(no recording)\n" : jfr);
    line();

    // ---- notes
    line("## Notes");
    line();
    List<String> notReady = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      if (!"200".equals(s("meta.readiness." + n))) {
        notReady.add(n + " (" + s("meta.readiness." + n) + ")");
      }
    }
    if (!notReady.isEmpty()) {
      line(
          "- Readiness: `GET /actuator/health/readiness` answered non-200 on node(s) ",
          String.join(", ", notReady),
          " with the cluster up and a leader elected: followers report `quorumReachable: false`"
              + " and OUT_OF_SERVICE, so only the leader is ever ready. The script therefore waits"
              + " for liveness on every node plus an agreed leader whose readiness is 200. (A load"
              + " balancer that routes on readiness would send every request to the leader, and"
              + " follower forwarding would never be used.)");
    }
    line(
        "- Pre-warm: ",
        "a run at gRPC 2PC B=2 C=32 before the matrix (",
        f0(d("co.prewarm.grpc.2pc.b2.c32.throughput")),
        " tx/s), not reported otherwise.");
    line();
    line("## Machine");
    line();
    line("```");
    out.append(env);
    line("```");
  }

  private List<Double> failovers() {
    List<Double> r = new ArrayList<>();
    for (int i = 1; i <= (int) d("meta.failovers"); i++) {
      double v = d("co.failover." + i + ".ms");
      if (!Double.isNaN(v)) {
        r.add(v);
      }
    }
    return r;
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
