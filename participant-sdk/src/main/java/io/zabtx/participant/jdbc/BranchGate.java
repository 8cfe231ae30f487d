package io.zabtx.participant.jdbc;

import java.sql.SQLException;

/**
 * What the DataSource wrapper needs from the participant runtime. Implemented by the runtime (which
 * owns the branch engine and talks to the coordinator); thread-safe.
 */
public interface BranchGate {

  /**
   * Called before the first write of a local transaction running under {@code xid}: registers this
   * participant's branch of {@code xid} with the coordinator if it is not registered yet (once per
   * xid; later local transactions of the same xid join the same branch), then checks that local
   * work is still admitted (not aborted, not voted, deadline not passed).
   *
   * @throws SQLException naming the xid and the reason when the branch cannot be registered or work
   *     is refused; the write must not run
   */
  BranchTicket enlist(String xid) throws SQLException;

  /**
   * The local transaction that wrote {@code ticket}'s undo, lock and ACTIVE branch rows committed
   * (durably). Never throws.
   */
  void workCommitted(BranchTicket ticket);

  /**
   * The local transaction of a write under {@code ticket} rolled back (nothing of it is durable).
   * The branch stays registered; the coordinator's phase 1 will find no work if none committed.
   */
  default void workRolledBack(BranchTicket ticket) {}
}
