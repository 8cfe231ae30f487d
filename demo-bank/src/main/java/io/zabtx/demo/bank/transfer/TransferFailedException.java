package io.zabtx.demo.bank.transfer;

/**
 * A transfer that did not commit. {@code xid} is null when no global transaction was begun;
 * otherwise the transaction was rolled back ({@code status} ROLLED_BACK) or its outcome is not
 * known yet ({@code status} UNKNOWN: the coordinator will finish it; ask it for the xid's status).
 */
public class TransferFailedException extends RuntimeException {
  private final int httpStatus;
  private final String xid;
  private final String status;

  public TransferFailedException(
      int httpStatus, String xid, String status, String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.xid = xid;
    this.status = status;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String xid() {
    return xid;
  }

  public String status() {
    return status;
  }
}
