package io.zabtx.demo.bank.account;

/** Opening an account whose id is taken (HTTP 409). */
public class AccountExistsException extends RuntimeException {
  public AccountExistsException(String bank, String id) {
    super("account '" + id + "' already exists at " + bank);
  }
}
