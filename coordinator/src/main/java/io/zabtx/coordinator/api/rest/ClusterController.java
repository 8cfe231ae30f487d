package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.zabtx.coordinator.api.CoordinatorApi;
import java.util.concurrent.CompletableFuture;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The coordinator cluster as the answering node sees it. */
@RestController
@RequestMapping("/api/v1/cluster")
@Tag(name = "cluster", description = "Coordinator nodes, roles, epoch and leader")
@ProblemResponses
class ClusterController {

  private final CoordinatorApi coordinator;

  ClusterController(CoordinatorApi coordinator) {
    this.coordinator = coordinator;
  }

  @GetMapping
  @Operation(summary = "The coordinator nodes, their roles, the epoch and the leader")
  @ApiResponse(
      responseCode = "200",
      description = "The cluster",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = ClusterJson.class)))
  CompletableFuture<ClusterJson> get() {
    return coordinator.getCluster().thenApply(ClusterJson::from);
  }
}
