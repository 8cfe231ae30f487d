package io.zabtx.coordinator.api.rest;

/**
 * A request the REST layer rejects before calling the coordinator: answered 400 {@code
 * INVALID_ARGUMENT} with this message as the problem's detail, so the message says what was wrong
 * and what to do.
 */
final class InvalidRequestException extends RuntimeException {

  InvalidRequestException(String message) {
    super(message, null, false, false);
  }
}
