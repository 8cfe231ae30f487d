package io.zabtx.coordinator.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an {@link InvalidConfigurationException} into Spring Boot's short start-up report. */
final class InvalidConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, InvalidConfigurationException cause) {
    return new FailureAnalysis(
        "ZabTX coordinator configuration: " + cause.getMessage(),
        "Fix the zabtx.* setting named above (application.yml, --zabtx...=, or ZABTX_* environment"
            + " variables) and start again. See docs/coordinator.md, Configuration.",
        cause);
  }
}
