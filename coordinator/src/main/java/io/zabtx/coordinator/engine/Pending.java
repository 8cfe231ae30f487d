package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.Xid;
import java.util.List;

/** What a proposal in flight was for, so that its result can be applied. */
sealed interface Pending {

  /** The DecisionRecord (2PC) or PreCommitRecord (3PC) of {@code xid}. */
  record CommitPoint(Xid xid) implements Pending {}

  /** A CompletedRecord of these xids. */
  record Completed(List<Xid> xids) implements Pending {}

  /**
   * A HeuristicRecord; {@code requestId} is the reportHeuristic request to answer, or {@link
   * #NO_REQUEST} when an acknowledgement carried the report.
   */
  record Heuristic(Xid xid, int branchId, HeuristicKind kind, String detail, long requestId)
      implements Pending {
    static final long NO_REQUEST = Long.MIN_VALUE;

    boolean hasRequest() {
      return requestId != NO_REQUEST;
    }
  }

  /** A ForgetRecord. */
  record Forget() implements Pending {}
}
