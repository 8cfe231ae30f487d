package io.zabtx.participant.client;

/**
 * Work run inside a global transaction by {@link GlobalTransactionTemplate}. The xid is bound to
 * the calling thread ({@link io.zabtx.participant.context.DtxContext}) while it runs.
 *
 * @param <T> the result
 * @param <E> what it may throw; a lambda that throws no checked exception needs no {@code catch}
 */
@FunctionalInterface
public interface GlobalTransactionCallback<T, E extends Throwable> {

  T doInGlobalTransaction(GlobalTransaction tx) throws E;
}
