package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.media.Schema;
import io.zabtx.protocol.v1.BeginResponse;

/** The reply to {@code POST /api/v1/transactions} (201). */
@Schema(description = "A begun transaction.")
record BeginResult(
    @Schema(description = "<epoch>-<sequence>", example = "3-1042") String xid,
    @Schema(allowableValues = {"2PC", "3PC"}) String protocol,
    @Schema(description = "When it aborts if not decided (ISO-8601, UTC)") String deadline,
    @Schema(description = "The same deadline in ms since the Unix epoch") long deadlineUnixMs) {

  static BeginResult from(BeginResponse response) {
    return new BeginResult(
        response.getXid(),
        WireText.protocol(response.getProtocol()),
        WireText.instant(response.getDeadlineUnixMs()),
        response.getDeadlineUnixMs());
  }
}
