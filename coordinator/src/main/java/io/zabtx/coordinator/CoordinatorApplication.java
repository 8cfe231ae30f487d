package io.zabtx.coordinator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The ZabTX coordinator service. With nothing configured it runs a single-node ensemble with its
 * data in {@code ./data}; {@code zabtx.cluster.*} makes it a member of a 3- or 5-node cluster (see
 * README and docs/coordinator.md).
 */
@SpringBootApplication
public class CoordinatorApplication {

  public static void main(String[] args) {
    SpringApplication.run(CoordinatorApplication.class, args);
  }
}
