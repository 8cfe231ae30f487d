package io.zabtx.demo.bank.account;

import java.math.BigDecimal;

/**
 * An account as the API shows it.
 *
 * @param bank the bank that holds it
 * @param id its id, unique in the bank
 * @param owner who owns it
 * @param balance its balance, scale 2
 */
public record Account(String bank, String id, String owner, BigDecimal balance) {}
