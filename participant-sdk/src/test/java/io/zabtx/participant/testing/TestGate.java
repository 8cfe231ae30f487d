package io.zabtx.participant.testing;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchProtocol;
import io.zabtx.participant.jdbc.BranchGate;
import io.zabtx.participant.jdbc.BranchTicket;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link BranchGate} for tests of the DataSource wrapper: hands out one ticket per xid (branch id
 * 1, 2PC, a deadline far ahead), records what it was told, can refuse an xid, and runs a probe on
 * each {@link #workCommitted} (to check what is durable at that moment).
 */
public final class TestGate implements BranchGate {
  private final Map<String, BranchTicket> tickets = new ConcurrentHashMap<>();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  /** Every call, in order: "enlist xid", "committed xid", "rolledBack xid". */
  public final List<String> calls = new CopyOnWriteArrayList<>();

  private volatile Consumer<BranchTicket> onCommitted = t -> {};

  @Override
  public BranchTicket enlist(String xid) throws SQLException {
    calls.add("enlist " + xid);
    if (refused.contains(xid)) {
      throw new SQLException("branch of " + xid + " refused by the test gate", "40000");
    }
    return tickets.computeIfAbsent(
        xid, x -> new BranchTicket(new BranchKey(x, 1), BranchProtocol.TWO_PC, Long.MAX_VALUE / 2));
  }

  @Override
  public void workCommitted(BranchTicket ticket) {
    calls.add("committed " + ticket.key().xid());
    onCommitted.accept(ticket);
  }

  @Override
  public void workRolledBack(BranchTicket ticket) {
    calls.add("rolledBack " + ticket.key().xid());
  }

  /** Refuses every later enlist of {@code xid}. */
  public void refuse(String xid) {
    refused.add(xid);
  }

  /** Runs {@code probe} inside each workCommitted call. */
  public void onCommitted(Consumer<BranchTicket> probe) {
    onCommitted = probe;
  }
}
