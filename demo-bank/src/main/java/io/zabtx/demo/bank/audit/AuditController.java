package io.zabtx.demo.bank.audit;

import io.zabtx.demo.bank.account.AccountRepository;
import io.zabtx.demo.bank.account.BankIdentity;
import io.zabtx.participant.branch.BranchState;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/audit}: the sum of balances and the branches not finished, read from this
 * bank's database (the SDK keeps branch states in {@code dtx_branch}).
 */
@RestController
public class AuditController {
  private final AccountRepository accounts;
  private final JdbcTemplate jdbc;
  private final String bank;

  public AuditController(AccountRepository accounts, DataSource dataSource, BankIdentity bank) {
    this.accounts = accounts;
    this.jdbc = new JdbcTemplate(dataSource);
    this.bank = bank.name();
  }

  @GetMapping("/api/v1/audit")
  public Audit audit() {
    Map<String, Long> byState = new TreeMap<>();
    jdbc.query(
        "SELECT state, COUNT(*) FROM dtx_branch GROUP BY state",
        rs -> {
          byState.put(rs.getString(1), rs.getLong(2));
        });
    long unfinished = 0;
    long heuristic = 0;
    for (Map.Entry<String, Long> e : byState.entrySet()) {
      BranchState s = BranchState.valueOf(e.getKey());
      if (!s.isTerminal()) {
        unfinished += e.getValue();
      } else if (s.isHeuristic()) {
        heuristic += e.getValue();
      }
    }
    AccountRepository.Totals t = accounts.totals();
    return new Audit(bank, t.accounts(), t.total(), unfinished, heuristic, byState);
  }
}
