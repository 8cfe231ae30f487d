package io.zabtx.demo.bank.transfer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zabtx.demo.bank.account.AccountNotFoundException;
import io.zabtx.demo.bank.account.Amounts;
import io.zabtx.demo.bank.account.InsufficientFundsException;
import io.zabtx.demo.bank.account.InvalidRequestException;
import io.zabtx.participant.client.CommitProtocol;
import io.zabtx.participant.client.DtxErrorCode;
import io.zabtx.participant.client.DtxException;
import io.zabtx.participant.client.GlobalTransactionAbortedException;
import java.math.BigDecimal;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Checks a transfer request, runs it as one global transaction ({@link TransferTransactions}) and
 * turns every way it can end into a result or a {@link TransferFailedException} that says whether a
 * transaction was begun and how it ended. Records {@code zabtx.demo.transfers}.
 */
@Service
public class TransferService {
  private static final Logger LOG = LoggerFactory.getLogger(TransferService.class);

  private final TransferTransactions transactions;
  private final BankClient banks;
  private final MeterRegistry meters;

  public TransferService(
      TransferTransactions transactions, BankClient banks, MeterRegistry meters) {
    this.transactions = transactions;
    this.banks = banks;
    this.meters = meters;
  }

  public TransferResult transfer(TransferRequest request) {
    if (request == null) {
      throw new InvalidRequestException(
          "the body must be a transfer: {from, to, amount, protocol}");
    }
    AccountRef from = AccountRef.parse(request.from(), "from");
    AccountRef to = AccountRef.parse(request.to(), "to");
    if (from.equals(to)) {
      throw new InvalidRequestException("from and to are the same account " + from);
    }
    BigDecimal amount = Amounts.parse(request.amount(), "amount");
    CommitProtocol protocol = Protocols.parse(request.protocol());
    banks.checkKnown(from);
    banks.checkKnown(to);

    String name = Protocols.name(protocol);
    AtomicReference<String> xid = new AtomicReference<>();
    long t0 = System.nanoTime();
    String outcome = "failed";
    try {
      if (protocol == CommitProtocol.TWO_PHASE) {
        transactions.twoPhase(from, to, amount, xid::set);
      } else {
        transactions.threePhase(from, to, amount, xid::set);
      }
      outcome = "committed";
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      LOG.debug("transfer {} {} -> {} {} committed in {} ms", xid.get(), from, to, amount, millis);
      return new TransferResult(
          xid.get(), "COMMITTED", name, from.toString(), to.toString(), amount, millis);
    } catch (RemoteBankException e) {
      outcome = "rolled_back";
      throw new TransferFailedException(e.status(), xid.get(), "ROLLED_BACK", e.getMessage(), e);
    } catch (GlobalTransactionAbortedException e) {
      outcome = "rolled_back";
      throw new TransferFailedException(
          409,
          xid.get(),
          "ROLLED_BACK",
          "the coordinator aborted the transfer: " + e.getMessage(),
          e);
    } catch (DtxException e) {
      if (xid.get() == null) {
        throw new TransferFailedException(
            503,
            null,
            "NOT_STARTED",
            "no coordinator could begin the transfer: " + e.getMessage(),
            e);
      }
      boolean unknown = e.code() == DtxErrorCode.OUTCOME_UNKNOWN;
      if (!unknown) {
        outcome = "rolled_back";
      }
      throw new TransferFailedException(
          503,
          xid.get(),
          unknown ? "UNKNOWN" : "ROLLED_BACK",
          (unknown
                  ? "the outcome is not known yet; ask the coordinator for " + xid.get() + ": "
                  : "")
              + e.getMessage(),
          e);
    } catch (AccountNotFoundException | InsufficientFundsException | InvalidRequestException e) {
      outcome = "rolled_back";
      throw new TransferFailedException(
          e instanceof AccountNotFoundException
              ? 404
              : e instanceof InvalidRequestException ? 400 : 409,
          xid.get(),
          "ROLLED_BACK",
          e.getMessage(),
          e);
    } finally {
      Timer.builder("zabtx.demo.transfers")
          .description("transfers from request to outcome")
          .tag("protocol", name)
          .tag("outcome", outcome)
          .publishPercentileHistogram()
          .register(meters)
          .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }
  }
}
