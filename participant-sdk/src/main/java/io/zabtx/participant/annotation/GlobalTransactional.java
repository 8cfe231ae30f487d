package io.zabtx.participant.annotation;

import io.zabtx.participant.client.CommitProtocol;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method (or every public method of the class) in a global transaction, through {@link
 * io.zabtx.participant.client.GlobalTransactionTemplate}: begins it, binds the xid for the method's
 * thread, commits when the method returns and rolls back when it throws (the exception is rethrown
 * as is). Inside, {@code GlobalTransaction.current().setRollbackOnly()} makes a normal return roll
 * back.
 *
 * <p>A fallback that catches an exception and returns normally lets the transaction commit with
 * whatever was done: mark it rollback-only if that must not happen. A commit that ends in ABORT (a
 * participant voted NO) throws {@link
 * io.zabtx.participant.client.GlobalTransactionAbortedException} from the method call.
 *
 * <p>When an xid is already bound (an outer {@code @GlobalTransactional}, or an incoming call), the
 * method joins that transaction: {@link #protocol} and {@link #timeoutMillis} are ignored, nothing
 * is committed at its end, and an exception that the rules say rolls back marks the transaction
 * rollback-only. A method-level annotation overrides the class-level one. Applies only to calls
 * through the Spring proxy (not to a call from the same object).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface GlobalTransactional {

  /** The atomic commitment protocol. */
  CommitProtocol protocol() default CommitProtocol.TWO_PHASE;

  /**
   * The global deadline in milliseconds from begin; past it an undecided transaction aborts. 0
   * means the coordinator's default; at most the coordinator's maximum (5 minutes by default).
   */
  long timeoutMillis() default 60_000;

  /** A name shown by the coordinator's API; empty means {@code SimpleClassName.method}. */
  String name() default "";

  /**
   * Exceptions that roll back although they are subclasses of a {@link #noRollbackFor} class. Every
   * exception rolls back by default, so this only narrows {@link #noRollbackFor}.
   */
  Class<? extends Throwable>[] rollbackFor() default {};

  /** Exceptions that commit the transaction (and are still rethrown). */
  Class<? extends Throwable>[] noRollbackFor() default {};
}
