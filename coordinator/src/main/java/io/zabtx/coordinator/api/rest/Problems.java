package io.zabtx.coordinator.api.rest;

import io.zabtx.coordinator.model.ErrorCode;
import java.net.URI;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * Builds the API's RFC 7807 problems: {@code type} {@code urn:zabtx:problem:<code>}, a fixed {@code
 * title} per code, {@code detail}, {@code instance} (the request path) and the extension members
 * {@code code} and, with a retry hint, {@code retryAfterMs} plus a {@code Retry-After} header.
 */
final class Problems {

  /** The code of an unexpected failure (HTTP 500); not an {@link ErrorCode}. */
  static final String INTERNAL = "INTERNAL";

  /** The code of a request the coordinator did not answer in time (HTTP 503). */
  static final String TIMEOUT = "TIMEOUT";

  private Problems() {}

  /** Fills {@code problem} in place with the API's members and returns it. */
  static ProblemDetail decorate(ProblemDetail problem, String code, String instancePath) {
    problem.setType(URI.create("urn:zabtx:problem:" + code.toLowerCase(Locale.ROOT)));
    problem.setTitle(title(code));
    if (instancePath != null) {
      problem.setInstance(URI.create(instancePath));
    }
    problem.setProperty("code", code);
    return problem;
  }

  /** A problem response with no retry hint. */
  static ResponseEntity<Object> response(
      HttpStatusCode status, String code, String detail, String instancePath) {
    return response(status, code, detail, instancePath, 0, HttpHeaders.EMPTY);
  }

  /**
   * A problem response; {@code retryAfterMillis > 0} adds {@code retryAfterMs} and a {@code
   * Retry-After} header in whole seconds, rounded up (a client that waits the header's time must
   * not come back early).
   */
  static ResponseEntity<Object> response(
      HttpStatusCode status,
      String code,
      String detail,
      String instancePath,
      long retryAfterMillis,
      HttpHeaders extraHeaders) {
    ProblemDetail problem =
        decorate(ProblemDetail.forStatusAndDetail(status, detail), code, instancePath);
    HttpHeaders headers = new HttpHeaders();
    headers.addAll(extraHeaders);
    headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (retryAfterMillis > 0) {
      problem.setProperty("retryAfterMs", retryAfterMillis);
      headers.set(HttpHeaders.RETRY_AFTER, Long.toString(ceilSeconds(retryAfterMillis)));
    }
    return new ResponseEntity<>(problem, headers, status);
  }

  static long ceilSeconds(long millis) {
    return millis / 1000 + (millis % 1000 == 0 ? 0 : 1);
  }

  /** The same title for every problem of one code, as RFC 7807 asks of a {@code type}. */
  static String title(String code) {
    return switch (code) {
      case "INVALID_ARGUMENT" -> "Invalid request";
      case "NOT_FOUND" -> "Not found";
      case "TX_ABORTED" -> "Transaction aborted";
      case "TX_COMMITTED" -> "Transaction committed";
      case "NOT_ACTIVE" -> "Transaction not active";
      case "NO_LONGER_RETAINED" -> "Transaction no longer retained";
      case "OVERLOADED" -> "Coordinator overloaded";
      case "NO_QUORUM" -> "No quorum";
      case "OUTCOME_UNKNOWN" -> "Outcome unknown";
      case "NOT_LEADER" -> "Not the leader";
      case TIMEOUT -> "Coordinator did not answer in time";
      default -> "Internal error";
    };
  }

  /** The code for a status Spring chose for one of its own exceptions. */
  static String codeFor(HttpStatusCode status) {
    if (status.value() == 404) {
      return ErrorCode.NOT_FOUND.name();
    }
    if (status.value() == 503) {
      return TIMEOUT;
    }
    return status.is4xxClientError() ? ErrorCode.INVALID_ARGUMENT.name() : INTERNAL;
  }
}
