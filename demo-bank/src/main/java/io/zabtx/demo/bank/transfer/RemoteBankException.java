package io.zabtx.demo.bank.transfer;

/**
 * A bank answered a debit or credit with an error, or could not be reached ({@code status} 503).
 * Thrown inside the global transaction, so it rolls back.
 */
public class RemoteBankException extends RuntimeException {
  private final int status;

  public RemoteBankException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status the transfer answers with. */
  public int status() {
    return status;
  }
}
