package io.zabtx.demo.bank.web;

import io.zabtx.demo.bank.account.AccountExistsException;
import io.zabtx.demo.bank.account.AccountNotFoundException;
import io.zabtx.demo.bank.account.InsufficientFundsException;
import io.zabtx.demo.bank.account.InvalidRequestException;
import io.zabtx.demo.bank.transfer.BankClient.UnknownBankException;
import io.zabtx.demo.bank.transfer.TransferFailedException;
import io.zabtx.participant.store.LockConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as {@code application/problem+json}: what went wrong and, for transfers, the xid and
 * whether the transaction was rolled back. Malformed JSON and the like are answered by Spring's own
 * handlers (the superclass) in the same format.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(InvalidRequestException.class)
  ProblemDetail invalid(InvalidRequestException e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
  }

  @ExceptionHandler({AccountNotFoundException.class, UnknownBankException.class})
  ProblemDetail notFound(RuntimeException e) {
    return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
  }

  @ExceptionHandler(InsufficientFundsException.class)
  ProblemDetail funds(InsufficientFundsException e) {
    return problem(HttpStatus.CONFLICT, "Insufficient funds", e.getMessage());
  }

  @ExceptionHandler(AccountExistsException.class)
  ProblemDetail exists(AccountExistsException e) {
    return problem(HttpStatus.CONFLICT, "Account exists", e.getMessage());
  }

  /** A row held by another global transaction for the whole lock wait. */
  @ExceptionHandler(PessimisticLockingFailureException.class)
  ProblemDetail busy(PessimisticLockingFailureException e) {
    Throwable cause = e.getMostSpecificCause();
    String detail =
        cause instanceof LockConflictException
            ? cause.getMessage()
            : "the account is busy: " + cause.getMessage();
    return problem(HttpStatus.CONFLICT, "Account busy, try again", detail);
  }

  @ExceptionHandler(TransferFailedException.class)
  ProblemDetail transfer(TransferFailedException e) {
    HttpStatus status = HttpStatus.resolve(e.httpStatus());
    if (status == null || !status.isError()) {
      status = HttpStatus.BAD_GATEWAY;
    }
    LOG.debug("transfer {} failed ({}): {}", e.xid(), e.status(), e.getMessage());
    ProblemDetail p = problem(status, "Transfer not committed", e.getMessage());
    p.setProperty("xid", e.xid());
    p.setProperty("status", e.status());
    return p;
  }

  private static ProblemDetail problem(HttpStatus status, String title, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setTitle(title);
    return p;
  }
}
