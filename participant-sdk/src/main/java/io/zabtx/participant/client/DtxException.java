package io.zabtx.participant.client;

import java.util.Objects;

/**
 * A coordinator call that failed, with a stable {@link DtxErrorCode} and a message that says what
 * was wrong and what to do.
 */
public class DtxException extends RuntimeException {

  private final DtxErrorCode code;
  private final String xid;

  /**
   * @param xid the transaction concerned, or null (e.g. a failed begin)
   */
  public DtxException(DtxErrorCode code, String xid, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.xid = xid;
  }

  public DtxException(DtxErrorCode code, String xid, String message) {
    this(code, xid, message, null);
  }

  public DtxErrorCode code() {
    return code;
  }

  /** The xid the failed call was about, or null when there was none (begin). */
  public String xid() {
    return xid;
  }
}
