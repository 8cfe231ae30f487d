package io.zabtx.demo.bank.transfer;

import io.zabtx.participant.annotation.GlobalTransactional;
import io.zabtx.participant.client.CommitProtocol;
import io.zabtx.participant.client.GlobalTransaction;
import java.math.BigDecimal;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * The global transactions of a transfer, one method per protocol: {@code @GlobalTransactional}
 * begins the transaction before the method runs, commits when it returns and rolls back when it
 * throws. The debit runs first so that insufficient funds end the transfer before anything else.
 */
@Component
public class TransferTransactions {
  /** Longest a transfer may stay undecided before the coordinator aborts it. */
  static final long TIMEOUT_MILLIS = 30_000;

  private final BankClient banks;

  public TransferTransactions(BankClient banks) {
    this.banks = banks;
  }

  @GlobalTransactional(
      protocol = CommitProtocol.TWO_PHASE,
      timeoutMillis = TIMEOUT_MILLIS,
      name = "transfer-2pc")
  public void twoPhase(AccountRef from, AccountRef to, BigDecimal amount, Consumer<String> xid) {
    move(from, to, amount, xid);
  }

  @GlobalTransactional(
      protocol = CommitProtocol.THREE_PHASE,
      timeoutMillis = TIMEOUT_MILLIS,
      name = "transfer-3pc")
  public void threePhase(AccountRef from, AccountRef to, BigDecimal amount, Consumer<String> xid) {
    move(from, to, amount, xid);
  }

  private void move(AccountRef from, AccountRef to, BigDecimal amount, Consumer<String> xid) {
    xid.accept(GlobalTransaction.current().xid());
    banks.debit(from, amount);
    banks.credit(to, amount);
  }
}
