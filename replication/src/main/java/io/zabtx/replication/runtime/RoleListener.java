package io.zabtx.replication.runtime;

import io.zabtx.replication.core.Role;

/**
 * Told when a node's role changes. Called on the node's event-loop thread: must return quickly and
 * must not call back into blocking node methods.
 *
 * <p>When a leader is told {@code established}, its state machine has already applied every entry
 * the establishment committed (the epoch's whole initial history), and {@link
 * ZabNode#currentEpoch()} already returns the new epoch: both happen earlier in the same loop
 * iteration.
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
