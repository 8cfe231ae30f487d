package io.zabtx.replication.core;

/**
 * Always-on assertions for the core's own invariants. A failure is a bug in this code, never bad
 * input from a peer (that is validated, logged and dropped instead).
 */
final class Check {

  private Check() {}

  static void state(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("ZAB core invariant violated: " + what);
    }
  }
}
