package io.zabtx.participant.client;

import java.util.List;
import java.util.Objects;

/**
 * Which exceptions leaving a global transaction's work roll it back. Every exception (checked or
 * not, and errors) rolls back unless it is an instance of a {@code noRollbackFor} class; {@code
 * rollbackFor} classes win over {@code noRollbackFor} ones for their subclasses. The closest match
 * in the class hierarchy decides (a tie rolls back). Immutable.
 */
public final class RollbackRules {

  /** Roll back on every exception. */
  public static final RollbackRules DEFAULT = new RollbackRules(List.of(), List.of());

  private final List<Class<? extends Throwable>> rollbackFor;
  private final List<Class<? extends Throwable>> noRollbackFor;

  private RollbackRules(
      List<Class<? extends Throwable>> rollbackFor,
      List<Class<? extends Throwable>> noRollbackFor) {
    this.rollbackFor = List.copyOf(rollbackFor);
    this.noRollbackFor = List.copyOf(noRollbackFor);
  }

  public static RollbackRules of(
      List<Class<? extends Throwable>> rollbackFor,
      List<Class<? extends Throwable>> noRollbackFor) {
    Objects.requireNonNull(rollbackFor, "rollbackFor");
    Objects.requireNonNull(noRollbackFor, "noRollbackFor");
    return rollbackFor.isEmpty() && noRollbackFor.isEmpty()
        ? DEFAULT
        : new RollbackRules(rollbackFor, noRollbackFor);
  }

  /** True when {@code failure} must roll the transaction back. */
  public boolean rollbackOn(Throwable failure) {
    int roll = distance(failure.getClass(), rollbackFor);
    int keep = distance(failure.getClass(), noRollbackFor);
    return keep == Integer.MAX_VALUE || roll <= keep;
  }

  /** Superclass steps from {@code type} to the closest class in {@code classes}, or MAX_VALUE. */
  private static int distance(Class<?> type, List<Class<? extends Throwable>> classes) {
    int steps = 0;
    for (Class<?> c = type; c != null; c = c.getSuperclass(), steps++) {
      if (classes.contains(c)) {
        return steps;
      }
    }
    return Integer.MAX_VALUE;
  }

  @Override
  public String toString() {
    return "RollbackRules[rollbackFor=" + rollbackFor + ", noRollbackFor=" + noRollbackFor + "]";
  }
}
