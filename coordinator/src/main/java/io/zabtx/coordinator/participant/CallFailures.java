package io.zabtx.coordinator.participant;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.zabtx.coordinator.engine.Command;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How the gateway reads a failed call: worth another attempt? the participant's fault? */
final class CallFailures {

  // Codes that say "the participant (or the way to it) is unwell right now": a later attempt may
  // succeed, and the endpoint's breaker counts them. The others (INVALID_ARGUMENT, UNIMPLEMENTED,
  // ...) are the same on every attempt, and CANCELLED is our own shutdown.
  private static final Set<Status.Code> TRANSIENT =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.ABORTED,
          Status.Code.INTERNAL,
          Status.Code.UNKNOWN);

  private CallFailures() {}

  /** True if {@code t} is a transient gRPC failure (retried in phase 2, counted by the breaker). */
  static boolean isTransient(Throwable t) {
    Status status = statusOf(unwrap(t));
    return status != null && TRANSIENT.contains(status.getCode());
  }

  /** Strips the wrappers that futures put around a failure. */
  static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** A message for {@link DeliveryResult.Failed}, naming the message, the endpoint and why. */
  static String describe(Command.Send cmd, Throwable failure, int attempts) {
    Throwable t = unwrap(failure);
    if (t instanceof CallNotPermittedException) {
      return "circuit open for "
          + cmd.endpoint()
          + ": "
          + cmd.phase()
          + " not sent ("
          + t.getMessage()
          + ")";
    }
    Status status = statusOf(t);
    String why;
    if (status == null) {
      why = t.toString();
    } else if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      why = "no answer within " + cmd.timeoutMillis() + " ms (DEADLINE_EXCEEDED)";
    } else {
      why =
          status.getCode()
              + (status.getDescription() == null ? "" : ": " + status.getDescription());
    }
    return cmd.phase()
        + " of xid "
        + cmd.xid()
        + " branch "
        + cmd.branchId()
        + " to "
        + cmd.endpoint()
        + " failed"
        + (attempts > 1 ? " after " + attempts + " attempts" : "")
        + ": "
        + why;
  }

  private static Status statusOf(Throwable t) {
    if (t instanceof StatusRuntimeException e) {
      return e.getStatus();
    }
    if (t instanceof StatusException e) {
      return e.getStatus();
    }
    return null;
  }
}
