package io.zabtx.coordinator.config;

/**
 * The coordinator's configuration cannot work. Start-up stops with this message, which says what to
 * fix (see {@link InvalidConfigurationFailureAnalyzer}).
 */
public final class InvalidConfigurationException extends RuntimeException {

  public InvalidConfigurationException(String message) {
    super(message);
  }
}
