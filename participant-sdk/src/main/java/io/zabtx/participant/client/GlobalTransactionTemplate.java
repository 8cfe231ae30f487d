package io.zabtx.participant.client;

import io.zabtx.participant.context.DtxContext;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work in a global transaction: begins it, binds its xid to the calling thread ({@link
 * DtxContext}) while the work runs, then commits when the work returns normally or rolls back when
 * it throws (and rethrows the same exception).
 *
 * <ul>
 *   <li><b>Rollback-only:</b> a transaction marked with {@link GlobalTransaction#setRollbackOnly()}
 *       (on the handle passed to the callback, or {@link GlobalTransaction#current()}) rolls back
 *       although the work returned normally; {@code execute} then returns the work's result.
 *   <li><b>A swallowed exception commits.</b> The template only sees what leaves the callback: a
 *       fallback that catches an exception (say, of a failed call to another service) and returns
 *       normally lets the transaction commit, with whatever every branch has done so far. A
 *       fallback that must not commit partial work calls {@code
 *       GlobalTransaction.current().setRollbackOnly()}.
 *   <li><b>Rollback rules:</b> by default every exception rolls back; {@link RollbackRules} can
 *       exempt some (the transaction then commits and the exception is still rethrown).
 *   <li><b>Commit ends in ABORT</b> (a participant voted NO, the deadline passed, a failover found
 *       no commit point): {@code execute} throws {@link GlobalTransactionAbortedException}; the
 *       work's result is discarded because none of it is committed. When no coordinator can confirm
 *       the outcome it throws a {@link DtxException} with code OUTCOME_UNKNOWN.
 *   <li><b>Joining:</b> when an xid is already bound to the thread (an outer {@code execute} or
 *       {@code @GlobalTransactional}, or an incoming call bound by the servlet filter or gRPC
 *       interceptor), no nested transaction is begun: the work runs in the bound one, with {@link
 *       GlobalTransaction#isNew()} false, and the definition's protocol and timeout are ignored.
 *       The joining scope neither commits nor rolls back; an exception its rules say rolls back
 *       marks the transaction rollback-only (so the outer scope rolls back even if it swallows the
 *       exception) and is rethrown. For an xid joined from an incoming call, whose originator
 *       commits elsewhere, a rollback-only mark makes the joining scope ask the coordinator to roll
 *       the transaction back when it ends.
 * </ul>
 *
 * <p>If a rollback after an exception fails (coordinator unreachable), the failure is added to the
 * work's exception as suppressed; the transaction still aborts at its deadline. Thread-safe.
 */
public final class GlobalTransactionTemplate {

  private static final Logger LOG = LoggerFactory.getLogger(GlobalTransactionTemplate.class);

  private final DtxClient client;

  public GlobalTransactionTemplate(DtxClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** Runs {@code work} in a global transaction that rolls back on every exception. */
  public <T, E extends Throwable> T execute(
      CommitProtocol protocol, Duration timeout, GlobalTransactionCallback<T, E> work) throws E {
    return execute(GlobalTransactionDefinition.of(protocol, timeout), work);
  }

  /**
   * Runs {@code work} in a global transaction begun as {@code definition} says, or in the one
   * already bound to this thread.
   *
   * @throws E what the work threw, after the rollback
   * @throws GlobalTransactionAbortedException when the commit ended in ABORT
   * @throws DtxException when begin fails (the work does not run) or the outcome is unknown
   */
  public <T, E extends Throwable> T execute(
      GlobalTransactionDefinition definition, GlobalTransactionCallback<T, E> work) throws E {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(work, "work");
    Optional<String> bound = DtxContext.currentXid();
    if (bound.isPresent()) {
      return join(bound.get(), definition.rollbackRules(), work);
    }
    String xid = client.begin(definition.protocol(), definition.timeout(), definition.name());
    LOG.debug("began global transaction {} ({})", xid, definition.protocol());
    GlobalTransaction tx = GlobalTransaction.begun(xid);
    T result;
    try (DtxContext.Scope bind = DtxContext.bind(xid);
        GlobalTransaction.Scope current = GlobalTransaction.open(tx)) {
      result = work.doInGlobalTransaction(tx);
    } catch (Throwable failure) {
      finishAfterFailure(tx, definition.rollbackRules().rollbackOn(failure), failure);
      throw failure;
    }
    if (tx.isRollbackOnly()) {
      LOG.debug("rolling back {}: marked rollback-only", xid);
      client.rollback(xid);
    } else {
      TxStatus status = client.commit(xid);
      LOG.debug("committed {}: {}", xid, status);
    }
    return result;
  }

  private <T, E extends Throwable> T join(
      String xid, RollbackRules rules, GlobalTransactionCallback<T, E> work) throws E {
    GlobalTransaction outer = GlobalTransaction.currentIfAny().orElse(null);
    GlobalTransaction tx =
        outer != null && outer.xid().equals(xid)
            ? outer.joined()
            : GlobalTransaction.joinedRemote(xid);
    LOG.debug("joining global transaction {}", xid);
    T result;
    try (GlobalTransaction.Scope current = GlobalTransaction.open(tx)) {
      result = work.doInGlobalTransaction(tx);
    } catch (Throwable failure) {
      if (rules.rollbackOn(failure)) {
        tx.setRollbackOnly();
        if (!tx.originLocal()) {
          rollbackQuietly(xid, failure);
        }
      }
      throw failure;
    }
    if (!tx.originLocal() && tx.isRollbackOnly()) {
      LOG.debug("rolling back joined {}: marked rollback-only", xid);
      client.rollback(xid);
    }
    return result;
  }

  private void finishAfterFailure(GlobalTransaction tx, boolean rollback, Throwable failure) {
    if (rollback || tx.isRollbackOnly()) {
      LOG.debug("rolling back {}: the work threw {}", tx.xid(), failure.toString());
      rollbackQuietly(tx.xid(), failure);
      return;
    }
    try {
      client.commit(tx.xid());
    } catch (RuntimeException commitFailed) {
      failure.addSuppressed(commitFailed);
    }
  }

  private void rollbackQuietly(String xid, Throwable failure) {
    try {
      client.rollback(xid);
    } catch (RuntimeException rollbackFailed) {
      LOG.warn(
          "could not roll back {} after the work failed; it aborts at its deadline: {}",
          xid,
          rollbackFailed.getMessage());
      failure.addSuppressed(rollbackFailed);
    }
  }
}
