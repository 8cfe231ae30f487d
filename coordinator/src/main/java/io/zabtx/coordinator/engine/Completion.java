package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionLookup;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.Xid;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keeping the decision log small: committed transactions whose phase 2 is done are proposed as
 * Completed in batches (at most {@code completedBatchMax} xids, or whatever waited {@code
 * completedFlushMillis}), and a Forget of what is older than the retention period, or beyond {@code
 * maxRetainedLogged} transactions, is proposed periodically, one at a time, while the log holds
 * anything (an idle cluster writes none).
 */
final class Completion {

  private final EngineConfig config;
  private final Proposals proposals;
  private final TxTable table;
  private final DecisionLookup log;

  private final List<Xid> queue = new ArrayList<>();
  private long queuedSinceMillis;
  private boolean forgetInFlight;
  private long nextForgetAtMillis;

  Completion(EngineConfig config, Proposals proposals, TxTable table, DecisionLookup log) {
    this.config = config;
    this.proposals = proposals;
    this.table = table;
    this.log = log;
  }

  /** Leadership began at {@code now}: the first Forget comes one interval later. */
  void start(long now) {
    nextForgetAtMillis = now + forgetIntervalMillis();
  }

  /** Phase 2 of {@code xid} is done: it joins the next Completed batch. */
  void queue(Xid xid, long now, Effects out) {
    startClock(now);
    queue.add(xid);
    if (queue.size() >= config.completedBatchMax()) {
      flush(now, out);
    }
  }

  /** A Completed proposal failed: not completed in the log yet, propose these with the next. */
  void failed(List<Xid> xids, long now) {
    startClock(now);
    queue.addAll(0, xids);
  }

  /** The flush timer runs from when the first xid of a batch was queued. */
  private void startClock(long now) {
    if (queue.isEmpty()) {
      queuedSinceMillis = now;
    }
  }

  /** A Completed record is durable. */
  void durable(List<Xid> xids, long now) {
    for (Xid x : xids) {
      Tx tx = table.get(x);
      if (tx != null) {
        tx.event("COMPLETED", now, "");
      }
    }
  }

  /** The Forget proposal in flight is done, durable or not. */
  void forgetDone() {
    forgetInFlight = false;
  }

  /** Proposes the Completed batch if it waited long enough. */
  void flushIfDue(long now, Effects out) {
    if (!queue.isEmpty() && now - queuedSinceMillis >= config.completedFlushMillis()) {
      flush(now, out);
    }
  }

  /**
   * Proposes a Forget if one is due at {@code now}, none is in flight and the log holds anything to
   * forget. The cut, the count bound and {@code onlyBelow} go in the record: every node computes
   * the same removal from it and its own copy of the log.
   *
   * @param onlyBelow the oldest xid that may still get a commit point (read only if a Forget is
   *     proposed): the count bound could otherwise forget past a transaction whose commit point is
   *     not logged yet, and every node would then reject that commit point as forgotten
   */
  void forgetIfDue(long now, Supplier<Xid> onlyBelow, Effects out) {
    if (config.retentionMillis() > 0
        && !forgetInFlight
        && now >= nextForgetAtMillis
        && now - config.retentionMillis() > 0) {
      nextForgetAtMillis = now + forgetIntervalMillis();
      if (log.size() == 0) {
        return; // nothing logged, nothing to forget: an idle cluster writes no entry
      }
      forgetInFlight = true;
      proposals.propose(
          new Pending.Forget(),
          new ForgetRecord(
              now - config.retentionMillis(), config.maxRetainedLogged(), onlyBelow.get()),
          out);
    }
  }

  private void flush(long now, Effects out) {
    while (!queue.isEmpty()) {
      int n = Math.min(queue.size(), config.completedBatchMax());
      List<Xid> batch = List.copyOf(queue.subList(0, n));
      queue.subList(0, n).clear();
      proposals.propose(new Pending.Completed(batch), new CompletedRecord(batch, now), out);
    }
  }

  /** How often the leader proposes a Forget: a tenth of the retention, at least once a second. */
  private long forgetIntervalMillis() {
    return Math.max(1, Math.min(config.retentionMillis() / 10, 1_000));
  }

  void clear() {
    queue.clear();
    forgetInFlight = false;
  }
}
