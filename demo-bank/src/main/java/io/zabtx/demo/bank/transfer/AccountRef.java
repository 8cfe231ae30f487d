package io.zabtx.demo.bank.transfer;

import io.zabtx.demo.bank.account.AccountService;
import io.zabtx.demo.bank.account.InvalidRequestException;

/**
 * An account at some bank, written {@code bank/account} (e.g. {@code bank-b/bob}).
 *
 * @param bank the bank's name in {@code zabtx.demo.banks}
 * @param id the account id at that bank
 */
public record AccountRef(String bank, String id) {

  /** Parses {@code bank/account}; {@code field} names it in the error. */
  public static AccountRef parse(String raw, String field) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidRequestException(field + " is missing (write it as bank/account)");
    }
    int slash = raw.indexOf('/');
    if (slash <= 0 || slash == raw.length() - 1 || raw.indexOf('/', slash + 1) >= 0) {
      throw new InvalidRequestException(
          field + " '" + raw + "' is not bank/account (e.g. bank-b/bob)");
    }
    String id = AccountService.checkId(raw.substring(slash + 1), field);
    return new AccountRef(raw.substring(0, slash), id);
  }

  @Override
  public String toString() {
    return bank + "/" + id;
  }
}
