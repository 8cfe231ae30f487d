package io.zabtx.replication.transport;

/**
 * A peer sent bytes that do not form a valid {@link io.zabtx.replication.core.Message}: a field is
 * missing, an enum value is unknown, or the message is too large. The transport drops such a
 * message, counts it and logs the reason; it never reaches the core.
 */
final class MalformedMessageException extends Exception {

  MalformedMessageException(String reason) {
    super(reason);
  }

  MalformedMessageException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
