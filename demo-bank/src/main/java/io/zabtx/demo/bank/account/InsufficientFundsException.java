package io.zabtx.demo.bank.account;

import java.math.BigDecimal;

/** A debit larger than the balance (HTTP 409); nothing was changed. */
public class InsufficientFundsException extends RuntimeException {
  public InsufficientFundsException(String bank, String id, BigDecimal amount) {
    super("insufficient funds: " + bank + "/" + id + " cannot pay " + amount);
  }
}
