package io.zabtx.participant.process;

import io.zabtx.participant.context.DtxContext;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@link ParticipantProcessMain} JVM on fixed loopback ports and a fixed database file, so that
 * it can be SIGKILLed and started again on the same ports and data. Output is appended to one log
 * file across restarts. Every live process is killed by a shutdown hook at the latest.
 */
final class ParticipantProcess {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-participants"));
  }

  private final String name;
  private final int httpPort;
  private final List<String> command;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile Process process;
  private long logOffset;

  ParticipantProcess(
      String name, Path db, List<String> coordinators, int grpcPort, int httpPort, Path log) {
    this.name = name;
    this.httpPort = httpPort;
    this.log = log;
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xmx128m");
    c.add("-XX:+UseSerialGC");
    c.add("-XX:TieredStopAtLevel=1");
    c.add("-cp");
    c.add(classpath());
    c.add(ParticipantProcessMain.class.getName());
    c.add("db=" + db);
    c.add("coordinators=" + String.join(",", coordinators));
    c.add("grpc-port=" + grpcPort);
    c.add("http-port=" + httpPort);
    this.command = List.copyOf(c);
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Starts the JVM and waits until it prints that it serves. */
  void start(Duration timeout) {
    try {
      logOffset = Files.exists(log) ? Files.size(log) : 0;
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start participant " + name, e);
    }
    LIVE.add(process);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String out = outputSinceStart();
      if (out.contains("PARTICIPANT READY")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("participant " + name + " exited at start:\n" + out);
      }
      try {
        Thread.sleep(50); // polling a log file; there is nothing to wait on instead
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "participant " + name + " not ready within " + timeout + ":\n" + outputSinceStart());
  }

  /** SIGKILL: no shutdown hook, no flush. */
  void sigkill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(p);
  }

  /**
   * Inserts ledger row {@code id} under {@code xid}; null when the participant said ok, else why
   * not.
   */
  String write(String xid, String id, String amount) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + httpPort + "/write?id=" + id + "&amount=" + amount))
                  .header(DtxContext.XID_HEADER, xid)
                  .timeout(Duration.ofSeconds(5))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? null : r.statusCode() + " " + r.body().strip();
    } catch (IOException e) {
      return "unreachable: "
          + e; // killed meanwhile: the write did not happen or will be rolled back
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Waits until the participant serves again (after a restart by another thread), at most {@code
   * timeout}; false if it did not.
   */
  boolean awaitServing(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ledger"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      try {
        Thread.sleep(50); // polling a restarting process; there is nothing to wait on instead
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** The lines of {@code GET /<what>}. */
  List<String> lines(String what) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/" + what))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(name + " /" + what + ": " + r.body());
      }
      return r.body().lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String outputSinceStart() {
    try {
      byte[] all = Files.readAllBytes(log);
      int from = (int) Math.min(logOffset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The SDK's classes, its test classes and the test class path the build writes to {@code
   * target/test-classpath.txt}.
   */
  static String classpath() {
    try {
      String deps =
          Files.readString(Path.of("target", "test-classpath.txt"), StandardCharsets.UTF_8).trim();
      return Path.of("target", "classes").toAbsolutePath()
          + File.pathSeparator
          + Path.of("target", "test-classes").toAbsolutePath()
          + File.pathSeparator
          + deps;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "target/test-classpath.txt is missing: run the tests through Maven", e);
    }
  }
}
