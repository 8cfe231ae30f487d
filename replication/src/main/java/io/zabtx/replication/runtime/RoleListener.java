package io.zabtx.replication.runtime;

import io.zabtx.replication.core.Role;

/**
 * Told when a node's role changes. Called on the node's event-loop thread: must return quickly and
 * must not call back into blocking node methods.
 */
@FunctionalInterface
public interface RoleListener {

  /**
   * @param role the new role
   * @param leader the leader's server id, or -1 while LOOKING
   * @param established true once this node leads or follows an established epoch
   */
  void roleChanged(Role role, long leader, boolean established);
}
