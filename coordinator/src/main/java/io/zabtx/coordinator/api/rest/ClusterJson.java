package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.media.Schema;
import io.zabtx.protocol.v1.Cluster;
import io.zabtx.protocol.v1.Node;
import java.util.List;

/** The reply to {@code GET /api/v1/cluster}. */
@Schema(
    name = "Cluster",
    description = "The coordinator nodes, their roles, the epoch and the leader.")
record ClusterJson(
    @Schema(description = "Server id of the established leader, or null if there is none")
        Long leader,
    long epoch,
    List<NodeJson> nodes,
    @Schema(description = "The server id of the node that answered") long answeredBy) {

  static ClusterJson from(Cluster cluster) {
    return new ClusterJson(
        cluster.getLeader() == 0 ? null : cluster.getLeader(),
        cluster.getEpoch(),
        cluster.getNodesList().stream().map(NodeJson::from).toList(),
        cluster.getAnsweredBy());
  }

  /** One coordinator node. */
  @Schema(name = "Node")
  record NodeJson(
      long id,
      @Schema(
              description =
                  "LEADING, FOLLOWING, OBSERVING, LOOKING, or UNKNOWN if it did not answer")
          String role,
      @Schema(description = "Client API (gRPC) address host:port") String grpcAddress,
      @Schema(description = "REST base URL", example = "http://10.0.0.3:8080") String httpUrl,
      @Schema(description = "Last applied zxid as epoch:counter, or null if not known")
          String lastZxid,
      boolean reachable) {

    static NodeJson from(Node node) {
      return new NodeJson(
          node.getId(),
          WireText.text(node.getRole()),
          WireText.text(node.getGrpcAddress()),
          WireText.text(node.getHttpUrl()),
          WireText.text(node.getLastZxid()),
          node.getReachable());
    }
  }
}
