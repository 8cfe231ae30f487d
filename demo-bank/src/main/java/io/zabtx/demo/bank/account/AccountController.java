package io.zabtx.demo.bank.account;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/accounts}: open and read accounts; debit and credit as branch work. */
@RestController
@RequestMapping("/api/v1/accounts")
public class AccountController {
  private final AccountService service;

  public AccountController(AccountService service) {
    this.service = service;
  }

  /**
   * Opens an account.
   *
   * @param body {@code {"id": "alice", "owner": "Alice", "balance": "100.00"}}
   */
  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public Account open(@RequestBody Map<String, Object> body) {
    Object id = body.get("id");
    Object owner = body.get("owner");
    return service.open(
        id == null ? null : id.toString(),
        owner == null ? null : owner.toString(),
        body.get("balance"));
  }

  @GetMapping
  public List<Account> list() {
    return service.list();
  }

  @GetMapping("/{id}")
  public Account get(@PathVariable String id) {
    return service.get(id);
  }

  /** Debits the account inside the global transaction named by the {@code Dtx-Xid} header. */
  @PostMapping("/{id}/debit")
  public Account debit(@PathVariable String id, @RequestBody Map<String, Object> body) {
    return service.debit(id, body.get("amount"));
  }

  /** Credits the account inside the global transaction named by the {@code Dtx-Xid} header. */
  @PostMapping("/{id}/credit")
  public Account credit(@PathVariable String id, @RequestBody Map<String, Object> body) {
    return service.credit(id, body.get("amount"));
  }
}
