package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.media.Schema;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.Protocol;

/**
 * The body of {@code POST /api/v1/transactions}. Read by {@link StrictJsonBodyConverter}: unknown
 * fields and loosely typed values are rejected before {@link #toRequest} checks the ranges.
 */
@Schema(description = "A transaction to begin.")
record BeginBody(
    @Schema(
            description = "2PC or 3PC (also TWO_PHASE / THREE_PHASE, any case).",
            example = "2PC",
            requiredMode = Schema.RequiredMode.REQUIRED)
        String protocol,
    @Schema(
            description =
                "Global deadline from now, in ms: 0 to 86400000 (24 h). Absent or 0: the server's"
                    + " default (zabtx.tx.default-timeout). The server may enforce a lower maximum"
                    + " (zabtx.tx.max-timeout) and answers 400 above it.",
            example = "30000")
        Long timeoutMs,
    @Schema(description = "Free text for people reading the API or logs, at most 256 characters.")
        String name) {

  static final long MAX_TIMEOUT_MS = 24L * 60 * 60 * 1000;
  static final int MAX_NAME_CHARS = 256;

  /**
   * The validated request.
   *
   * @throws InvalidRequestException naming the field, what was wrong and what to send instead
   */
  BeginRequest toRequest() {
    if (protocol == null || protocol.isBlank()) {
      throw new InvalidRequestException(
          "protocol is required: send \"protocol\": \"2PC\" or \"3PC\" (or TWO_PHASE / THREE_PHASE)");
    }
    TxProtocol parsed;
    try {
      parsed = TxProtocol.parse(protocol);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
    long timeout = timeoutMs == null ? 0 : timeoutMs;
    if (timeout < 0 || timeout > MAX_TIMEOUT_MS) {
      throw new InvalidRequestException(
          "timeoutMs "
              + timeout
              + " is out of range: use 1 to "
              + MAX_TIMEOUT_MS
              + " (24 h), or leave it out (or 0) for the server's default");
    }
    String text = name == null ? "" : name;
    int chars = text.codePointCount(0, text.length());
    if (chars > MAX_NAME_CHARS) {
      throw new InvalidRequestException(
          "name is " + chars + " characters long: at most " + MAX_NAME_CHARS + " are allowed");
    }
    return BeginRequest.newBuilder()
        .setProtocol(Protocol.valueOf(parsed.name()))
        .setTimeoutMs(timeout)
        .setName(text)
        .build();
  }
}
