package io.zabtx.coordinator.api.rest;

import io.zabtx.protocol.v1.Outcome;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.TransactionStatus;
import java.time.Instant;

/** How {@code zabtx.v1} values are written in the REST API's JSON (see package-info). */
final class WireText {

  private WireText() {}

  /** {@code 2PC}, {@code 3PC}, or null when unspecified. */
  static String protocol(Protocol protocol) {
    return switch (protocol) {
      case TWO_PHASE -> "2PC";
      case THREE_PHASE -> "3PC";
      default -> null;
    };
  }

  /** ISO-8601 in UTC, or null for 0 (the protobuf default: not set). */
  static String instant(long unixMillis) {
    return unixMillis == 0 ? null : Instant.ofEpochMilli(unixMillis).toString();
  }

  /** Null for the empty string (the protobuf default: not set). */
  static String text(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  /** The enum's name, or null when unspecified. */
  static String status(TransactionStatus status) {
    return status == TransactionStatus.STATUS_UNSPECIFIED ? null : status.name();
  }

  /** The outcome a commit or rollback answer implies; {@code decided} for HEURISTIC_MIXED. */
  static String outcome(TransactionStatus status, Outcome decided) {
    return switch (status) {
      case ACTIVE, PREPARING -> Outcome.UNDECIDED.name();
      case COMMITTING, COMMITTED -> Outcome.COMMIT.name();
      case ABORTING, ABORTED -> Outcome.ABORT.name();
      case HEURISTIC_MIXED -> decided.name();
      default -> null;
    };
  }
}
