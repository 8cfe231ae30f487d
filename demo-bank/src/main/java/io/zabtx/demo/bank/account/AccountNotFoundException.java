package io.zabtx.demo.bank.account;

/** No account with that id in this bank (HTTP 404). */
public class AccountNotFoundException extends RuntimeException {
  public AccountNotFoundException(String bank, String id) {
    super("no account '" + id + "' at " + bank);
  }
}
