package io.zabtx.bench;

import java.util.Arrays;

/**
 * The benchmark's Java side, driven by {@code bench/replication-vs-zookeeper.sh}. Every command
 * prints its results as {@code R key=value} lines that the script collects.
 *
 * <pre>
 * zab-leader   --nodes 1=h:p,2=h:p,3=h:p [--timeout-s 60]
 * zab-status   --target h:p [--prefix p]
 * zab-load     --target h:p --window W --warmup-s S --duration-s S [--size 1024] [--prefix p]
 *              [--cpu-pids name=pid,...] [--heap-sample-ms 200]
 * zab-failover --nodes 1=h:p,... --pids 1=pid,... [--pre-ms 1500] [--interval-ms 5] [--prefix p]
 * zk-leader    --servers 1=h:p,... [--timeout-s 60]
 * zk-setup     --connect h:p [--keys 100] [--size 1024]
 * zk-load      --connect h:p --window W --warmup-s S --duration-s S [--size 1024] [--prefix p]
 *              [--cpu-pids name=pid,...]
 * zk-failover  --servers 1=h:p,... --pids 1=pid,... [--pre-ms 1500] [--interval-ms 5] [--prefix p]
 * co-leader    --http 1=http://h:p,... [--timeout-s 90] [--prefix p]
 * co-load      --grpc 1=h:p,... --http 1=url,... --leader N --participants h:p,...
 *              --cells api:2PC|3PC:B:C,... --warmup-s S --duration-s S [--heap-sample-ms 1000]
 *              [--cpu-pids name=pid,...] [--call-timeout-ms 10000] [--prefix p]
 * co-rtt       --targets h:p,... [--parallel 1,2,8] --warmup-s S --duration-s S [--prefix p]
 * co-failover  --grpc 1=h:p,... --pids 1=pid,... --leader N --participants h:p,...
 *              [--concurrency 4] [--branches 2] [--pre-ms 1500] [--call-timeout-ms 1000]
 * noop-participant --ports p1,p2,... [--host 127.0.0.1]
 * co-report    --results f.properties --env env.txt --jfr jfr.md --command c --out report.md
 * jfr-top      --file x.jfr [--top 25]
 * report       --results f.properties --env env.txt --jfr jfr.md --command c --out report.md
 * </pre>
 */
public final class Main {

  private Main() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.println("usage: Main <command> [--key value]... (see the Javadoc)");
      System.exit(2);
    }
    Args a = Args.parse(Arrays.copyOfRange(argv, 1, argv.length));
    switch (argv[0]) {
      case "zab-leader" -> ZabBench.leader(a);
      case "zab-status" -> ZabBench.status(a);
      case "zab-load" -> ZabBench.load(a);
      case "zab-failover" -> ZabBench.failover(a);
      case "zk-leader" -> ZkBench.leader(a);
      case "zk-setup" -> ZkBench.setup(a);
      case "zk-load" -> ZkBench.load(a);
      case "zk-failover" -> ZkBench.failover(a);
      case "co-leader" -> CoordBench.leader(a);
      case "co-load" -> CoordBench.load(a);
      case "co-rtt" -> CoordBench.rtt(a);
      case "co-failover" -> CoordBench.failover(a);
      case "noop-participant" -> NoopParticipant.run(a);
      case "co-report" -> CoordReport.run(a);
      case "jfr-top" -> JfrTop.run(a);
      case "report" -> Report.run(a);
      default -> {
        System.err.println("unknown command " + argv[0]);
        System.exit(2);
      }
    }
    System.exit(0);
  }
}
