package io.zabtx.participant.undo;

import java.sql.SQLException;

/** A write the SDK cannot undo; it must not run inside a global transaction. */
public final class UndoRefusedException extends SQLException {
  private final String statement;
  private final String reason;

  /** Refuses {@code statement} because of {@code reason} (a short human-readable sentence). */
  public UndoRefusedException(String statement, String reason) {
    super("cannot undo statement [" + statement + "]: " + reason, "0A000");
    this.statement = statement;
    this.reason = reason;
  }

  /** The refused SQL text. */
  public String statement() {
    return statement;
  }

  /** Why it was refused. */
  public String reason() {
    return reason;
  }
}
