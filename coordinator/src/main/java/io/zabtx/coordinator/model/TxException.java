package io.zabtx.coordinator.model;

import java.util.Objects;

/**
 * A request the coordinator refused or could not finish, with a stable {@link ErrorCode} and a
 * message that says what was wrong and what to do. Futures of the coordinator's API complete
 * exceptionally with it.
 */
public final class TxException extends RuntimeException {

  private final ErrorCode code;
  private final long retryAfterMillis;

  public TxException(ErrorCode code, String message) {
    this(code, message, 0);
  }

  /**
   * @param retryAfterMillis a hint for {@link ErrorCode#OVERLOADED} and {@link ErrorCode#NO_QUORUM}
   *     (0 when none)
   */
  public TxException(ErrorCode code, String message, long retryAfterMillis) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.retryAfterMillis = retryAfterMillis;
  }

  public ErrorCode code() {
    return code;
  }

  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
