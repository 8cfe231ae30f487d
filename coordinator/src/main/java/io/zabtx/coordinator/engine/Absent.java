package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.DecisionLookup;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.Xid;

/**
 * What the leader knows about an xid it does not hold in memory (docs/coordinator.md, "Who answers
 * what happened to X?"). The order of the checks matters: a logged commit point first (a decision
 * never changes), then the forgotten watermark (never guess about a forgotten xid), then presumed
 * abort.
 *
 * @param kind which rule applies
 * @param logged what the log holds, for {@link Kind#LOGGED}
 */
record Absent(Kind kind, LoggedTx logged) {

  enum Kind {
    /** The log holds it: answer from the log. */
    LOGGED,
    /** At or below the forgotten watermark: it may have committed or aborted; we no longer know. */
    FORGOTTEN,
    /** No commit point, and no one can give it one any more: ABORTED. */
    PRESUMED_ABORTED,
    /** Of this epoch, never minted. */
    NEVER_MINTED,
    /** Of a newer epoch than ours: this engine's leadership is stale. */
    NEWER_EPOCH
  }

  static Absent resolve(Xid xid, long epoch, long lastMinted, DecisionLookup log) {
    LoggedTx t = log.find(xid);
    if (t != null && t.hasCommitPoint()) {
      return new Absent(Kind.LOGGED, t);
    }
    if (xid.epoch() > epoch && t == null) {
      return new Absent(Kind.NEWER_EPOCH, null);
    }
    if (log.mayBeForgotten(xid)) {
      // A heuristic report applied after its transaction was forgotten leaves an entry without
      // a commit point: it proves nothing about the outcome.
      return new Absent(Kind.FORGOTTEN, null);
    }
    if (t != null) {
      return new Absent(Kind.LOGGED, t);
    }
    if (xid.epoch() < epoch || xid.sequence() <= lastMinted) {
      return new Absent(Kind.PRESUMED_ABORTED, null);
    }
    return new Absent(Kind.NEVER_MINTED, null);
  }
}
