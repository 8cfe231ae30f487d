package io.zabtx.demo.bank.account;

/** A request the bank refuses as malformed (HTTP 400); nothing was changed. */
public class InvalidRequestException extends RuntimeException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
