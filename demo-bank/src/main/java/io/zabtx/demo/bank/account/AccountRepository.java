package io.zabtx.demo.bank.account;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The {@code account} table, through the application's DataSource, which the participant SDK has
 * wrapped: inside a global transaction every write here is undo-logged and row-locked; outside one
 * it is a plain local write (still refused while a global transaction holds the row).
 */
@Repository
public class AccountRepository {
  private final JdbcTemplate jdbc;
  private final RowMapper<Account> mapper;

  public AccountRepository(DataSource dataSource, BankIdentity bank) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.mapper =
        (rs, i) ->
            new Account(
                bank.name(),
                rs.getString("id"),
                rs.getString("owner"),
                rs.getBigDecimal("balance"));
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS account (id VARCHAR(64) PRIMARY KEY, owner VARCHAR(128) NOT"
            + " NULL, balance DECIMAL(19,2) NOT NULL, CONSTRAINT balance_not_negative CHECK"
            + " (balance >= 0))");
  }

  /** Inserts a new account; false when the id is taken. */
  public boolean insert(String id, String owner, BigDecimal balance) {
    try {
      jdbc.update("INSERT INTO account (id, owner, balance) VALUES (?, ?, ?)", id, owner, balance);
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  public Optional<Account> find(String id) {
    return jdbc.query("SELECT id, owner, balance FROM account WHERE id = ?", mapper, id).stream()
        .findFirst();
  }

  public List<Account> findAll() {
    return jdbc.query("SELECT id, owner, balance FROM account ORDER BY id", mapper);
  }

  /** Subtracts {@code amount} if the balance covers it; false when it does not or no such row. */
  public boolean debit(String id, BigDecimal amount) {
    return jdbc.update(
            "UPDATE account SET balance = balance - ? WHERE id = ? AND balance >= ?",
            amount,
            id,
            amount)
        == 1;
  }

  /** Adds {@code amount}; false when there is no such account. */
  public boolean credit(String id, BigDecimal amount) {
    return jdbc.update("UPDATE account SET balance = balance + ? WHERE id = ?", amount, id) == 1;
  }

  /** Number of accounts and the sum of their balances. */
  public Totals totals() {
    return jdbc.queryForObject(
        "SELECT COUNT(*), COALESCE(SUM(balance), 0) FROM account",
        (rs, i) -> new Totals(rs.getLong(1), rs.getBigDecimal(2).setScale(2)));
  }

  /** How many accounts and how much money they hold. */
  public record Totals(long accounts, BigDecimal total) {}
}
