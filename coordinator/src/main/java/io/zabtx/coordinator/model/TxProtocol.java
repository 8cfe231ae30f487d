package io.zabtx.coordinator.model;

import java.util.Locale;

/** The atomic commitment protocol of one transaction, chosen at begin. */
public enum TxProtocol {
  /** Prepare, then commit or abort. Commit point: the replicated {@link DecisionRecord}. */
  TWO_PHASE,
  /**
   * CanCommit, PreCommit, then doCommit; abort only before the commit point, the replicated {@link
   * PreCommitRecord}.
   */
  THREE_PHASE;

  /**
   * Parses the names users write: {@code 2PC}, {@code 3PC}, {@code TWO_PHASE}, {@code THREE_PHASE}
   * (any case).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static TxProtocol parse(String text) {
    if (text != null) {
      switch (text.trim().toUpperCase(Locale.ROOT)) {
        case "2PC", "TWO_PHASE":
          return TWO_PHASE;
        case "3PC", "THREE_PHASE":
          return THREE_PHASE;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(
        "unknown protocol '" + text + "': use 2PC or 3PC (or TWO_PHASE / THREE_PHASE)");
  }

  /** {@code 2PC} or {@code 3PC}, as in metrics and the REST API. */
  public String shortName() {
    return this == TWO_PHASE ? "2PC" : "3PC";
  }
}
