package io.zabtx.replication.process;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import io.zabtx.replication.node.ZabServerMain;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * One replication node as a separate JVM running {@link ZabServerMain}, on fixed loopback ports and
 * a fixed data directory, so that it can be SIGKILLed ({@link #kill()}) and started again on the
 * same ports and data ({@link #start(Duration)} once more).
 *
 * <p>stdout and stderr go, appended across restarts, to one log file per node; {@link #awaitReady}
 * polls it for the {@code READY} line. Every live process is also registered with a JVM shutdown
 * hook, so none outlives the test run even if a test forgets to kill it.
 */
final class NodeProcess {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-node-processes"));
  }

  private final long sid;
  private final int clientPort;
  private final List<String> command;
  private final Path log;
  private Process process;
  private long logOffset;
  private int starts;

  NodeProcess(long sid, int peerPort, int clientPort, String peers, Path dataDir, Path log) {
    this.sid = sid;
    this.clientPort = clientPort;
    this.log = log;
    this.command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-Djava.util.logging.config.file="
                + loggingConfig(log.resolveSibling("logging.properties")),
            "-cp",
            classpath(),
            ZabServerMain.class.getName(),
            "--sid",
            Long.toString(sid),
            "--peers",
            peers,
            "--client-port",
            Integer.toString(clientPort),
            "--data",
            dataDir.toString());
    if (!peers.contains(sid + "=127.0.0.1:" + peerPort)) {
      throw new IllegalArgumentException("peers " + peers + " lack server " + sid);
    }
  }

  /**
   * One-line log records with milliseconds; the replication code's DEBUG level (role changes and
   * why a node went LOOKING) included.
   */
  private static Path loggingConfig(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          String.join(
              "\n",
              "handlers=java.util.logging.ConsoleHandler",
              ".level=INFO",
              "io.zabtx.level=FINE",
              "java.util.logging.ConsoleHandler.level=FINE",
              "java.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n",
              ""));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long sid() {
    return sid;
  }

  int clientPort() {
    return clientPort;
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Launches the JVM without waiting for it; see {@link #awaitReady}. */
  void launch() {
    if (isAlive()) {
      throw new IllegalStateException("server " + sid + " is running");
    }
    try {
      Files.createDirectories(log.getParent());
      String banner =
          "==== start " + ++starts + " of server " + sid + " at " + Instant.now() + "\n";
      Files.writeString(
          log,
          banner,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      logOffset = Files.size(log);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(log.toFile()))
              .start();
      LIVE.add(process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start server " + sid, e);
    }
  }

  /**
   * Polls the log for this start's {@code READY} line.
   *
   * @throws NodeStartException if the process exits or the deadline passes first
   */
  void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String out = outputSinceLaunch();
      if (out.contains("READY sid=" + sid + " ")) {
        return;
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        boolean exited = !process.isAlive();
        kill();
        throw new NodeStartException(
            "server "
                + sid
                + (exited ? " exited before READY" : " not READY within " + timeout)
                + "; log "
                + log
                + ":\n"
                + tail(40),
            out.contains("BindException") || out.contains("Address already in use"));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /** Launches the JVM and waits for its READY line. */
  void start(Duration timeout) {
    launch();
    awaitReady(timeout);
  }

  /** Sends SIGKILL ({@code destroyForcibly} on Linux) without waiting. */
  void sigkill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  /** SIGKILL, then waits until the process is gone. */
  void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("server " + sid + " survived SIGKILL for 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(p);
  }

  /** The last {@code lines} lines of this node's log (all starts). */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private String outputSinceLaunch() {
    try (SeekableByteChannel ch = Files.newByteChannel(log)) {
      ByteBuffer b = ByteBuffer.allocate((int) Math.max(0, ch.size() - logOffset));
      ch.position(logOffset);
      while (b.hasRemaining() && ch.read(b) > 0) {
        // read what is there
      }
      return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The node's classpath: a private copy of this build's main classes (so that a concurrent build
   * rewriting {@code target/classes} cannot break a restart) plus the dependency list that the
   * maven-dependency-plugin writes to {@code target/runtime-classpath.txt}; outside Maven (an IDE),
   * {@code java.class.path}.
   */
  static synchronized String classpath() {
    if (classpath == null) {
      Path file = Path.of(System.getProperty("basedir", "."), "target", "runtime-classpath.txt");
      if (Files.isRegularFile(file)) {
        try {
          classpath = copyOfMainClasses() + File.pathSeparator + Files.readString(file).strip();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (System.getProperty("java.class.path", "").contains("grpc-netty-shaded")) {
        classpath = System.getProperty("java.class.path");
      } else {
        throw new IllegalStateException(
            file + " is missing: run through Maven (maven-dependency-plugin build-classpath)");
      }
    }
    return classpath;
  }

  private static String classpath;

  private static Path copyOfMainClasses() throws IOException {
    Path classes;
    try {
      classes =
          Path.of(ZabServerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    if (!Files.isDirectory(classes)) {
      return classes; // a jar
    }
    Path copy = Files.createTempDirectory("zab-node-classes");
    try (Stream<Path> all = Files.walk(classes)) {
      for (Path p : all.toList()) {
        Files.copy(p, copy.resolve(classes.relativize(p).toString()), REPLACE_EXISTING);
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(copy)));
    return copy;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort, in a temp directory
    }
  }

  /** A node did not reach READY; {@link #bindFailure()} tells whether a port was taken. */
  static final class NodeStartException extends RuntimeException {
    private final boolean bindFailure;

    NodeStartException(String message, boolean bindFailure) {
      super(message);
      this.bindFailure = bindFailure;
    }

    boolean bindFailure() {
      return bindFailure;
    }
  }
}
