package io.zabtx.participant.undo;

/** The kinds of write the SDK can undo. */
public enum WriteKind {
  INSERT,
  UPDATE,
  DELETE
}
