package io.zabtx.participant.jdbc;

import io.zabtx.participant.undo.UndoRecord;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The undo records of one local transaction under one xid on one connection, until it commits or
 * rolls back. Confined to the connection's thread, like the connection.
 */
final class LocalWork {
  final BranchTicket ticket;
  final List<UndoRecord> records = new ArrayList<>();

  /** Set when a write failed after it ran: the transaction may only roll back. */
  SQLException poisoned;

  /** Whether the database's own lock waits are bounded in this local transaction. */
  boolean waitsBounded;

  private final Map<Savepoint, Integer> savepoints = new IdentityHashMap<>();

  LocalWork(BranchTicket ticket) {
    this.ticket = ticket;
  }

  String xid() {
    return ticket.key().xid();
  }

  void savepoint(Savepoint sp) {
    savepoints.put(sp, records.size());
  }

  /** Drops the records written after {@code sp} (all of them if it was set before this work). */
  void rolledBackTo(Savepoint sp) {
    int keep = savepoints.getOrDefault(sp, 0);
    records.subList(Math.min(keep, records.size()), records.size()).clear();
  }

  void released(Savepoint sp) {
    savepoints.remove(sp);
  }
}
