package io.zabtx.participant.undo;

import java.util.List;

/**
 * The undo information of one write: its kind and the before and after images (each in key order).
 * INSERT has no before rows, DELETE no after rows.
 */
public record UndoRecord(WriteKind kind, List<RowImage> before, List<RowImage> after) {
  /** Copies the lists. */
  public UndoRecord {
    before = List.copyOf(before);
    after = List.copyOf(after);
  }
}
