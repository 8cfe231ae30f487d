package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.engine.Answer.Status;
import io.zabtx.coordinator.model.DecisionLookup;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Xid;

/**
 * What the leader knows about an xid it does not hold in memory (docs/coordinator.md, "Who answers
 * what happened to X?"). The order of the checks matters: a logged commit point first (a decision
 * never changes), then the forgotten watermark (never guess about a forgotten xid), then presumed
 * abort. It also holds the answer each request gets for such an xid.
 *
 * @param xid the xid asked about
 * @param kind which rule applies
 * @param logged what the log holds, for {@link Kind#LOGGED}
 */
record Absent(Xid xid, Kind kind, LoggedTx logged) {

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
      return new Absent(xid, Kind.LOGGED, t);
    }
    if (xid.epoch() > epoch && t == null) {
      return new Absent(xid, Kind.NEWER_EPOCH, null);
    }
    if (log.mayBeForgotten(xid)) {
      // A heuristic report applied after its transaction was forgotten leaves an entry without
      // a commit point: it proves nothing about the outcome.
      return new Absent(xid, Kind.FORGOTTEN, null);
    }
    if (t != null) {
      return new Absent(xid, Kind.LOGGED, t);
    }
    if (xid.epoch() < epoch || xid.sequence() <= lastMinted) {
      return new Absent(xid, Kind.PRESUMED_ABORTED, null);
    }
    return new Absent(xid, Kind.NEVER_MINTED, null);
  }

  /** True if the outcome is known: logged, or presumed aborted. */
  boolean known() {
    return kind == Kind.LOGGED || kind == Kind.PRESUMED_ABORTED;
  }

  /** The answer to a commit request. */
  Answer toCommit() {
    return switch (kind) {
      case LOGGED ->
          logged.hasCommitPoint()
              ? new Status(xid, logged.status(), Outcome.COMMIT)
              : Failures.presumedAborted(xid);
      case PRESUMED_ABORTED -> Failures.presumedAborted(xid);
      default -> Failures.absent(xid, kind);
    };
  }

  /** The answer to a rollback request. */
  Answer toRollback() {
    return switch (kind) {
      case LOGGED ->
          logged.hasCommitPoint()
              ? Failures.committed(xid)
              : new Status(xid, logged.status(), Outcome.ABORT);
      case PRESUMED_ABORTED -> new Status(xid, TxStatus.ABORTED, Outcome.ABORT);
      default -> Failures.absent(xid, kind);
    };
  }

  /** The answer to a branch registration. */
  Answer toRegister() {
    return switch (kind) {
      case LOGGED -> Failures.notActive(xid, "is already decided (" + logged.status() + ")");
      case PRESUMED_ABORTED ->
          Failures.notActive(xid, "is aborted (no commit point was logged: presumed abort)");
      default -> Failures.absent(xid, kind);
    };
  }

  /** The answer to an outcome query. */
  Answer toQuery() {
    return switch (kind) {
      case LOGGED -> new Status(xid, logged.status(), logged.outcome());
      case PRESUMED_ABORTED -> new Status(xid, TxStatus.ABORTED, Outcome.ABORT);
      default -> Failures.absent(xid, kind);
    };
  }
}
