package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The shape of every error reply, for the OpenAPI document only: the API writes Spring's {@link
 * org.springframework.http.ProblemDetail} (see {@link Problems}).
 */
@Schema(
    name = "Problem",
    description =
        "RFC 7807 problem (application/problem+json). code is stable: an ErrorCode name"
            + " (INVALID_ARGUMENT 400/405/413/415, NOT_FOUND 404, TX_ABORTED 409, TX_COMMITTED"
            + " 409, NOT_ACTIVE 409, NO_LONGER_RETAINED 410, OVERLOADED 429, NO_QUORUM 503,"
            + " OUTCOME_UNKNOWN 503, NOT_LEADER 503), TIMEOUT 503 or INTERNAL 500.")
record ProblemJson(
    @Schema(example = "urn:zabtx:problem:not_found") String type,
    @Schema(example = "Not found") String title,
    @Schema(example = "404") int status,
    @Schema(description = "What was wrong and what to do") String detail,
    @Schema(example = "/api/v1/transactions/3-1042") String instance,
    @Schema(example = "NOT_FOUND") String code,
    @Schema(
            description =
                "OVERLOADED / NO_QUORUM only: when to retry, in ms; the Retry-After header holds"
                    + " the same in whole seconds, rounded up")
        Long retryAfterMs) {}
