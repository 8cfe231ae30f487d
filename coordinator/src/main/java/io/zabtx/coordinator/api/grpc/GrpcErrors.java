package io.zabtx.coordinator.api.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.TxException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps {@link TxException} to gRPC statuses and back. Besides the status code (see {@code
 * client.proto}) an error carries the exact {@link ErrorCode} in metadata {@code zabtx-error-code}
 * and the retry hint in {@code retry-after-ms}, so that a follower forwarding to the leader hands
 * its caller the very error the leader gave.
 */
public final class GrpcErrors {

  private static final System.Logger LOG = System.getLogger(GrpcErrors.class.getName());

  /** Metadata key of the exact error code. */
  public static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("zabtx-error-code", Metadata.ASCII_STRING_MARSHALLER);

  /** Metadata key of the retry hint in milliseconds. */
  public static final Metadata.Key<String> RETRY_AFTER_MS =
      Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  private GrpcErrors() {}

  /** The status to answer a failed call with. Unexpected failures become INTERNAL (logged). */
  public static StatusRuntimeException toStatus(Throwable failure) {
    Throwable t = unwrap(failure);
    Metadata trailers = new Metadata();
    if (t instanceof TxException tx) {
      trailers.put(ERROR_CODE, tx.code().name());
      if (tx.retryAfterMillis() > 0) {
        trailers.put(RETRY_AFTER_MS, Long.toString(tx.retryAfterMillis()));
      }
      return Status.fromCode(Status.Code.valueOf(tx.code().grpcCode()))
          .withDescription(tx.getMessage())
          .asRuntimeException(trailers);
    }
    if (t instanceof StatusRuntimeException sre) {
      return sre;
    }
    LOG.log(Level.ERROR, "unexpected failure answering a gRPC call", t);
    return Status.INTERNAL
        .withDescription(
            "internal error (" + t.getClass().getSimpleName() + "); see the server log")
        .asRuntimeException(trailers);
  }

  /**
   * The {@link TxException} a forwarded call's failure stands for. Without the exact code (a
   * transport failure), UNAVAILABLE and DEADLINE_EXCEEDED become {@code whenUnreachable}.
   */
  public static TxException fromStatus(Throwable failure, TxException whenUnreachable) {
    Throwable t = unwrap(failure);
    if (t instanceof TxException tx) {
      return tx;
    }
    if (!(t instanceof StatusRuntimeException sre)) {
      return whenUnreachable;
    }
    Metadata md = sre.getTrailers();
    String code = md == null ? null : md.get(ERROR_CODE);
    if (code != null) {
      try {
        long retry = md.get(RETRY_AFTER_MS) == null ? 0 : Long.parseLong(md.get(RETRY_AFTER_MS));
        return new TxException(
            ErrorCode.valueOf(code), sre.getStatus().getDescription(), Math.max(0, retry));
      } catch (IllegalArgumentException e) {
        // an unknown code from a newer node: fall through to the status code
      }
    }
    String description = sre.getStatus().getDescription();
    return switch (sre.getStatus().getCode()) {
      case INVALID_ARGUMENT -> new TxException(ErrorCode.INVALID_ARGUMENT, description);
      case NOT_FOUND -> new TxException(ErrorCode.NOT_FOUND, description);
      case ABORTED -> new TxException(ErrorCode.TX_ABORTED, description);
      case OUT_OF_RANGE -> new TxException(ErrorCode.NO_LONGER_RETAINED, description);
      case RESOURCE_EXHAUSTED -> new TxException(ErrorCode.OVERLOADED, description, 100);
      default -> whenUnreachable;
    };
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
