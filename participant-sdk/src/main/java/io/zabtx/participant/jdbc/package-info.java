/**
 * The DataSource wrapper: while an xid is bound, every INSERT/UPDATE/DELETE gets its undo record,
 * row locks and branch row in the same local transaction as the business change.
 */
package io.zabtx.participant.jdbc;
