package io.zabtx.coordinator.process;

import io.zabtx.coordinator.CoordinatorApplication;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
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
 * One coordinator as a separate JVM ({@link CoordinatorApplication}, the Spring Boot service), on
 * fixed loopback ports and a fixed data directory, so that it can be SIGKILLed and started again on
 * the same ports and data. Output goes to one log file per node, appended across restarts. Every
 * live process is registered with a shutdown hook, so none outlives the test run.
 */
final class CoordinatorProcess {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-coordinators"));
  }

  private final long id;
  private final List<String> command;
  private final Path log;
  private Process process;
  private long logOffset;

  CoordinatorProcess(long id, int httpPort, String members, Path dataDir, Path log) {
    this.id = id;
    this.log = log;
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xmx256m");
    c.add("-XX:+UseSerialGC");
    c.add("-XX:TieredStopAtLevel=1"); // start-up speed matters more here than peak speed
    c.add("-cp");
    c.add(classpath());
    c.add(CoordinatorApplication.class.getName());
    c.add("--server.port=" + httpPort);
    c.add("--zabtx.cluster.node-id=" + id);
    c.add("--zabtx.cluster.members=" + members);
    c.add("--zabtx.cluster.data-dir=" + dataDir);
    c.add("--zabtx.cluster.bind-host=127.0.0.1");
    c.add("--zabtx.cluster.segment-size=4MB");
    c.add("--zabtx.tx.vote-timeout=3s");
    c.add("--zabtx.tx.phase2-retry-max=500ms");
    c.add("--logging.level.root=WARN");
    c.add("--logging.level.io.zabtx=INFO");
    this.command = List.copyOf(c);
  }

  long id() {
    return id;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Starts the JVM and waits until Spring Boot reports the application started. */
  void start(Duration timeout) {
    try {
      logOffset = Files.exists(log) ? Files.size(log) : 0;
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start coordinator " + id, e);
    }
    LIVE.add(process);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String out = outputSinceStart();
      if (out.contains("Started CoordinatorApplication")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("coordinator " + id + " exited at start:\n" + out);
      }
      try {
        Thread.sleep(50); // polling a file; nothing to wait on instead
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "coordinator " + id + " not started within " + timeout + ":\n" + outputSinceStart());
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye to the peers. */
  void sigkill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(process);
  }

  private String outputSinceStart() {
    try {
      byte[] all = Files.readAllBytes(log);
      int from = (int) Math.min(logOffset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The classes and dependencies of the coordinator: {@code target/classes} plus the runtime
   * classpath the build writes to {@code target/runtime-classpath.txt} (Surefire's own class path
   * is a manifest-only jar, useless to a child JVM).
   */
  static String classpath() {
    try {
      String deps =
          Files.readString(Path.of("target", "runtime-classpath.txt"), StandardCharsets.UTF_8)
              .trim();
      return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + deps;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "target/runtime-classpath.txt is missing: run the tests through Maven", e);
    }
  }
}
