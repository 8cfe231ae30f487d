/**
 * The client side of global transactions, usable without Spring: {@link
 * io.zabtx.participant.client.DtxClient} (begin, commit, rollback, status against a list of
 * coordinator addresses, with failover) and {@link
 * io.zabtx.participant.client.GlobalTransactionTemplate} (begin, bind the xid, run the work, commit
 * or roll back). No Spring type may appear here; the {@code annotation} package adapts the template
 * to Spring AOP.
 */
package io.zabtx.participant.client;
