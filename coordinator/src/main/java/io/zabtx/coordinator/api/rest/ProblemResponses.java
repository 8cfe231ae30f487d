package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.responses.ApiResponses;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Documents, on a controller, the problems any of its operations may answer. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ApiResponses({
  @ApiResponse(
      responseCode = "400",
      description = "INVALID_ARGUMENT: malformed or out-of-range input; nothing changed",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class))),
  @ApiResponse(
      responseCode = "404",
      description = "NOT_FOUND: no transaction with this xid was ever begun, or no such endpoint",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class))),
  @ApiResponse(
      responseCode = "429",
      description = "OVERLOADED: retry after Retry-After seconds",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class))),
  @ApiResponse(
      responseCode = "500",
      description = "INTERNAL: unexpected failure, logged by the server",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class))),
  @ApiResponse(
      responseCode = "503",
      description =
          "NO_QUORUM (retry after Retry-After), OUTCOME_UNKNOWN (ask again: commit and rollback"
              + " are idempotent), NOT_LEADER or TIMEOUT",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class)))
})
@interface ProblemResponses {}
