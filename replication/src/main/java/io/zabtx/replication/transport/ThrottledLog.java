package io.zabtx.replication.transport;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Logs a recurring problem (a peer refused, a peer sending garbage) at the given level at most once
 * per key and interval, and at DEBUG otherwise, so that a misconfigured or hostile peer cannot
 * flood the log. The key set is bounded: it is cleared when it grows past a limit.
 */
final class ThrottledLog {
  private static final int MAX_KEYS = 1024;

  private final Logger logger;
  private final long intervalNanos;
  private final ConcurrentMap<String, Long> lastLoggedNanos = new ConcurrentHashMap<>();

  ThrottledLog(Logger logger, long intervalNanos) {
    this.logger = logger;
    this.intervalNanos = intervalNanos;
  }

  void log(Level level, String key, String message) {
    long now = System.nanoTime();
    Long last = lastLoggedNanos.get(key);
    boolean due = last == null || now - last >= intervalNanos;
    if (due
        && (last == null
            ? lastLoggedNanos.putIfAbsent(key, now) == null
            : lastLoggedNanos.replace(key, last, now))) {
      if (lastLoggedNanos.size() > MAX_KEYS) {
        lastLoggedNanos.clear();
      }
      logger.log(level, message);
    } else {
      logger.log(Level.DEBUG, message);
    }
  }
}
