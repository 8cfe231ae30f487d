package io.zabtx.participant.runtime;

import io.grpc.Status;
import java.util.List;

/**
 * A call to the coordinator cluster that got no answer: every attempt failed, or a node refused the
 * request for good (an invalid xid, a transaction that is no longer active ...). The message names
 * the call, the xid, the addresses tried and the last error.
 */
public final class CoordinatorCallException extends Exception {

  private final String xid;
  private final List<String> tried;
  private final Status.Code code;
  private final String errorCode;
  private final boolean definitive;

  CoordinatorCallException(
      String message,
      String xid,
      List<String> tried,
      Status.Code code,
      String errorCode,
      boolean definitive,
      Throwable cause) {
    super(message, cause);
    this.xid = xid;
    this.tried = List.copyOf(tried);
    this.code = code;
    this.errorCode = errorCode;
    this.definitive = definitive;
  }

  /** The xid the call was about. */
  public String xid() {
    return xid;
  }

  /** The addresses tried, in order (an address appears once per attempt on it). */
  public List<String> tried() {
    return tried;
  }

  /** The gRPC status code of the last failure. */
  public Status.Code code() {
    return code;
  }

  /**
   * The coordinator's exact error code (metadata {@code zabtx-error-code}, e.g. {@code NOT_ACTIVE},
   * {@code NO_QUORUM}) of the last failure, or null if the failure carried none (a transport
   * error).
   */
  public String errorCode() {
    return errorCode;
  }

  /**
   * True when a node answered with a refusal that asking again will not change (INVALID_ARGUMENT,
   * NOT_FOUND, FAILED_PRECONDITION, OUT_OF_RANGE, ABORTED ...); false when no node could answer
   * (unreachable, no leader, timed out, overloaded) and a later call may succeed.
   */
  public boolean definitive() {
    return definitive;
  }
}
