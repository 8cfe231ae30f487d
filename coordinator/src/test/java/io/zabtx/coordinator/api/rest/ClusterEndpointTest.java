package io.zabtx.coordinator.api.rest;

import static io.zabtx.coordinator.api.rest.AsyncMvc.perform;
import static java.util.concurrent.CompletableFuture.completedFuture;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.zabtx.coordinator.api.CoordinatorApi;
import io.zabtx.protocol.v1.Cluster;
import io.zabtx.protocol.v1.Node;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(controllers = {TransactionController.class, ClusterController.class})
class ClusterEndpointTest {

  @Autowired MockMvc mvc;

  @MockitoBean CoordinatorApi coordinator;

  @Test
  void clusterListsNodesLeaderAndEpoch() throws Exception {
    when(coordinator.getCluster())
        .thenReturn(
            completedFuture(
                Cluster.newBuilder()
                    .setLeader(1)
                    .setEpoch(3)
                    .addNodes(
                        Node.newBuilder()
                            .setId(1)
                            .setRole("LEADING")
                            .setGrpcAddress("10.0.0.1:9090")
                            .setHttpUrl("http://10.0.0.1:8080")
                            .setLastZxid("3:77")
                            .setReachable(true))
                    .addNodes(
                        Node.newBuilder()
                            .setId(2)
                            .setRole("UNKNOWN")
                            .setGrpcAddress("10.0.0.2:9090")
                            .setHttpUrl("http://10.0.0.2:8080"))
                    .setAnsweredBy(1)
                    .build()));

    perform(mvc, get("/api/v1/cluster"))
        .andExpect(status().isOk())
        .andExpect(
            content()
                .json(
                    """
                    {"leader": 1, "epoch": 3, "answeredBy": 1, "nodes": [
                      {"id": 1, "role": "LEADING", "grpcAddress": "10.0.0.1:9090",
                       "httpUrl": "http://10.0.0.1:8080", "lastZxid": "3:77", "reachable": true},
                      {"id": 2, "role": "UNKNOWN", "grpcAddress": "10.0.0.2:9090",
                       "httpUrl": "http://10.0.0.2:8080", "lastZxid": null, "reachable": false}]}
                    """,
                    JsonCompareMode.STRICT));
  }

  @Test
  void noLeaderIsNull() throws Exception {
    when(coordinator.getCluster())
        .thenReturn(completedFuture(Cluster.newBuilder().setEpoch(4).setAnsweredBy(2).build()));

    perform(mvc, get("/api/v1/cluster"))
        .andExpect(status().isOk())
        .andExpect(
            content()
                .json(
                    "{\"leader\": null, \"epoch\": 4, \"nodes\": [], \"answeredBy\": 2}",
                    JsonCompareMode.STRICT));
  }
}
