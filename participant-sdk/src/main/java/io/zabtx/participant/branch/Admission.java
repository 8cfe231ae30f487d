package io.zabtx.participant.branch;

/**
 * Whether local work for a branch may run, and why not.
 *
 * @param allowed true if the work may run
 * @param reason why it may not (empty when allowed)
 */
public record Admission(boolean allowed, String reason) {

  static final Admission ALLOWED = new Admission(true, "");

  static Admission refused(String reason) {
    return new Admission(false, reason);
  }
}
