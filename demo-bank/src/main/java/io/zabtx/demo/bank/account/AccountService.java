package io.zabtx.demo.bank.account;

import io.zabtx.participant.context.DtxContext;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Accounts of this bank: open, read, and the two branch operations other banks call inside a global
 * transaction (debit, credit). Each operation is one local transaction.
 */
@Service
public class AccountService {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final AccountRepository accounts;
  private final String bank;

  public AccountService(AccountRepository accounts, BankIdentity bank) {
    this.accounts = accounts;
    this.bank = bank.name();
  }

  /** Checks an account id's form. */
  public static String checkId(String id, String field) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidRequestException(
          field + " '" + id + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
    return id;
  }

  public Account open(String id, String owner, Object balance) {
    checkId(id, "id");
    String who = owner == null || owner.isBlank() ? id : owner.trim();
    if (who.length() > 128) {
      throw new InvalidRequestException("owner is longer than 128 characters");
    }
    BigDecimal opening = Amounts.parseOpening(balance, "balance");
    if (!accounts.insert(id, who, opening)) {
      throw new AccountExistsException(bank, id);
    }
    return get(id);
  }

  public Account get(String id) {
    return accounts.find(id).orElseThrow(() -> new AccountNotFoundException(bank, id));
  }

  public List<Account> list() {
    return accounts.findAll();
  }

  /** Takes {@code amount} from the account, as a branch of the bound global transaction. */
  public Account debit(String id, Object amount) {
    requireXid("debit");
    BigDecimal a = Amounts.parse(amount, "amount");
    if (!accounts.debit(id, a)) {
      get(id); // 404 when it does not exist
      throw new InsufficientFundsException(bank, id, a);
    }
    return get(id);
  }

  /** Adds {@code amount} to the account, as a branch of the bound global transaction. */
  public Account credit(String id, Object amount) {
    requireXid("credit");
    BigDecimal a = Amounts.parse(amount, "amount");
    if (!accounts.credit(id, a)) {
      throw new AccountNotFoundException(bank, id);
    }
    return get(id);
  }

  private static void requireXid(String what) {
    if (DtxContext.currentXid().isEmpty()) {
      throw new InvalidRequestException(
          what
              + " runs only inside a global transaction: send the xid in the "
              + DtxContext.XID_HEADER
              + " header (or use POST /api/v1/transfers)");
    }
  }
}
