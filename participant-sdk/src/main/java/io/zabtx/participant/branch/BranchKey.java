package io.zabtx.participant.branch;

import java.util.Comparator;
import java.util.Objects;

/**
 * Identifies one branch: the global transaction's xid and the branch id the coordinator gave it.
 * Ordered by xid, then branch id, so that iteration over branches is deterministic.
 *
 * @param xid the global transaction id, as the coordinator printed it
 * @param branchId the branch id (positive)
 */
public record BranchKey(String xid, int branchId) implements Comparable<BranchKey> {

  /** Longest xid accepted; xids are short ({@code epoch-counter}), this only bounds memory. */
  public static final int MAX_XID_CHARS = 128;

  private static final Comparator<BranchKey> ORDER =
      Comparator.comparing(BranchKey::xid).thenComparingInt(BranchKey::branchId);

  /** Rejects an empty or oversized xid and a branch id below 1. */
  public BranchKey {
    Objects.requireNonNull(xid, "xid");
    if (xid.isBlank() || xid.length() > MAX_XID_CHARS) {
      throw new IllegalArgumentException(
          "xid must be 1.." + MAX_XID_CHARS + " non-blank characters, got '" + xid + "'");
    }
    if (branchId < 1) {
      throw new IllegalArgumentException("branchId must be >= 1, got " + branchId);
    }
  }

  @Override
  public int compareTo(BranchKey o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return xid + "/" + branchId;
  }
}
