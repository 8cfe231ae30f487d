package io.zabtx.participant.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link GlobalTransactionTemplate} begins a global transaction.
 *
 * @param timeout the global deadline from begin; null or zero means the coordinator's default
 * @param name free text shown by the coordinator's API (at most 256 characters), may be empty
 */
public record GlobalTransactionDefinition(
    CommitProtocol protocol, Duration timeout, String name, RollbackRules rollbackRules) {

  public GlobalTransactionDefinition {
    Objects.requireNonNull(protocol, "protocol");
    name = name == null ? "" : name;
    rollbackRules = rollbackRules == null ? RollbackRules.DEFAULT : rollbackRules;
  }

  /** Rolls back on every exception, no name. */
  public static GlobalTransactionDefinition of(CommitProtocol protocol, Duration timeout) {
    return new GlobalTransactionDefinition(protocol, timeout, "", RollbackRules.DEFAULT);
  }
}
