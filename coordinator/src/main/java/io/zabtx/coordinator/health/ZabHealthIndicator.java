package io.zabtx.coordinator.health;

import io.zabtx.coordinator.runtime.CoordinatorNode;
import io.zabtx.replication.core.Role;
import io.zabtx.replication.runtime.ZabNode;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of this node's place in the ZAB ensemble ({@code /actuator/health/zab}, part of the
 * readiness group): UP while it leads an established epoch or follows an established leader, i.e.
 * while a quorum is reachable; OUT_OF_SERVICE while it looks for a leader. Details: role, epoch,
 * leader, last applied zxid, whether the transaction engine leads.
 */
@Component("zab")
class ZabHealthIndicator implements HealthIndicator {

  private final CoordinatorNode node;

  ZabHealthIndicator(CoordinatorNode node) {
    this.node = node;
  }

  @Override
  public Health health() {
    ZabNode zab = node.zab();
    Role role = zab.role();
    boolean quorum = role != Role.LOOKING && zab.isEstablished();
    Health.Builder b = quorum ? Health.up() : Health.outOfService();
    return b.withDetail("nodeId", zab.sid())
        .withDetail("role", role.name())
        .withDetail("epoch", zab.currentEpoch())
        .withDetail("leader", zab.leader())
        .withDetail("lastZxid", zab.lastCommitted().toString())
        .withDetail("quorumReachable", quorum)
        .withDetail("engineLeading", node.runtime().isLeader())
        .build();
  }
}
