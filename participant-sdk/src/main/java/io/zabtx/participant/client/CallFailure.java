package io.zabtx.participant.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * One failed attempt of a coordinator call, read from the gRPC status: the exact code from metadata
 * {@code zabtx-error-code} when the coordinator sent one, else one derived from the status code
 * (transport failures carry none).
 *
 * @param retryAfterMillis the coordinator's {@code retry-after-ms} hint, 0 if none
 */
record CallFailure(DtxErrorCode code, String message, long retryAfterMillis) {

  static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("zabtx-error-code", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> RETRY_AFTER_MS =
      Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  static CallFailure of(StatusRuntimeException e) {
    Status status = e.getStatus();
    String description =
        status.getDescription() == null ? status.getCode().name() : status.getDescription();
    Metadata trailers = e.getTrailers();
    DtxErrorCode code = trailers == null ? null : known(trailers.get(ERROR_CODE));
    if (code == null) {
      code = fromStatus(status.getCode());
      if (code == DtxErrorCode.UNREACHABLE || code == DtxErrorCode.INTERNAL) {
        description = status.getCode() + ": " + description;
      }
    }
    return new CallFailure(code, description, retryAfter(trailers));
  }

  private static DtxErrorCode known(String name) {
    if (name == null) {
      return null;
    }
    try {
      return DtxErrorCode.valueOf(name);
    } catch (IllegalArgumentException newerCoordinator) {
      return null; // fall back to the status code
    }
  }

  private static DtxErrorCode fromStatus(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT -> DtxErrorCode.INVALID_ARGUMENT;
      case NOT_FOUND -> DtxErrorCode.NOT_FOUND;
      case ABORTED -> DtxErrorCode.TX_ABORTED;
      case OUT_OF_RANGE -> DtxErrorCode.NO_LONGER_RETAINED;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> DtxErrorCode.UNREACHABLE;
      default -> DtxErrorCode.INTERNAL;
    };
  }

  private static long retryAfter(Metadata trailers) {
    String text = trailers == null ? null : trailers.get(RETRY_AFTER_MS);
    if (text == null) {
      return 0;
    }
    try {
      return Math.max(0, Math.min(Long.parseLong(text), 60_000));
    } catch (NumberFormatException ignored) {
      return 0;
    }
  }

  /** True when another coordinator node may answer (this one is down, not ready, or unsure). */
  boolean failsOver() {
    return switch (code) {
      case UNREACHABLE, NO_QUORUM, NOT_LEADER, OUTCOME_UNKNOWN -> true;
      default -> false;
    };
  }

  /** True when the same node should be asked again after the hint (overloaded). */
  boolean retriesHere() {
    return code == DtxErrorCode.OVERLOADED;
  }
}
