package io.zabtx.coordinator.log;

/**
 * Bytes that do not form a valid decision log record: not protobuf, no body, a malformed xid or
 * branch id, an unknown heuristic kind, or a format version this node does not know.
 *
 * <p>Unchecked because a replicated entry that cannot be applied is fatal for the node: its state
 * could no longer equal its peers'. The message says what was wrong.
 */
public final class MalformedRecordException extends RuntimeException {

  MalformedRecordException(String message) {
    super(message);
  }

  MalformedRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
