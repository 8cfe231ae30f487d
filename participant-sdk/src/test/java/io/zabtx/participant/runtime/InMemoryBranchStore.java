package io.zabtx.participant.runtime;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.branch.BranchProtocol;
import io.zabtx.participant.branch.BranchState;
import io.zabtx.participant.branch.DurableBranch;
import io.zabtx.participant.jdbc.BranchTicket;
import io.zabtx.participant.store.BranchStore;
import io.zabtx.participant.undo.HazardException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The other side of the runtime in its tests: a {@link BranchStore} whose rows live in memory and
 * outlive any runtime using it (a new runtime on the same instance is a participant restarted on
 * the same database). It can fail the next calls of a step and find a dirty write on rollback.
 */
final class InMemoryBranchStore implements BranchStore {

  private final Map<BranchKey, DurableBranch> rows = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
  private final Set<BranchKey> hazards = ConcurrentHashMap.newKeySet();
  private final List<String> calls = new CopyOnWriteArrayList<>();

  /** What the DataSource wrapper does: the work's local transaction writes the ACTIVE row. */
  void writeWork(BranchTicket t) {
    rows.put(
        t.key(), new DurableBranch(t.key(), t.protocol(), BranchState.ACTIVE, t.deadlineMillis()));
    calls.add("work " + t.key());
  }

  /** The next {@code count} calls of {@code step} (persist, commit, rollback, forget) fail. */
  void failNext(String step, int count) {
    failuresLeft.put(step, new AtomicInteger(count));
  }

  /** A rollback of {@code key} finds a row changed by someone else. */
  void dirtyWriteOn(BranchKey key) {
    hazards.add(key);
  }

  Optional<BranchState> state(BranchKey key) {
    return Optional.ofNullable(rows.get(key)).map(DurableBranch::state);
  }

  List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public void persist(DurableBranch row) throws SQLException {
    maybeFail("persist", row.key());
    rows.put(row.key(), row);
    calls.add("persist " + row.key() + " " + row.state());
  }

  @Override
  public void localCommit(BranchKey key, BranchState finalState) throws SQLException {
    maybeFail("commit", key);
    setState(key, finalState);
    calls.add("commit " + key + " " + finalState);
  }

  @Override
  public void localRollback(BranchKey key, BranchState finalState) throws SQLException {
    maybeFail("rollback", key);
    if (hazards.contains(key)) {
      setState(key, BranchState.HEURISTIC_HAZARD);
      calls.add("rollback " + key + " HEURISTIC_HAZARD");
      throw new HazardException("accounts", "{id=7}", "balance", "expected 10, found 11");
    }
    setState(key, finalState);
    calls.add("rollback " + key + " " + finalState);
  }

  @Override
  public void forget(BranchKey key) throws SQLException {
    maybeFail("forget", key);
    rows.remove(key);
    calls.add("forget " + key);
  }

  @Override
  public List<DurableBranch> loadAll() throws SQLException {
    maybeFail("load", null);
    return new ArrayList<>(rows.values());
  }

  private void setState(BranchKey key, BranchState s) {
    DurableBranch old = rows.get(key);
    BranchProtocol p = old == null ? BranchProtocol.TWO_PC : old.protocol();
    long deadline = old == null ? 0 : old.deadlineMillis();
    rows.put(key, new DurableBranch(key, p, s, deadline));
  }

  private void maybeFail(String step, BranchKey key) throws SQLException {
    AtomicInteger left = failuresLeft.get(step);
    if (left != null && left.getAndDecrement() > 0) {
      calls.add(step + " " + key + " FAILED");
      throw new SQLException("injected failure of " + step + " for " + key);
    }
  }
}
