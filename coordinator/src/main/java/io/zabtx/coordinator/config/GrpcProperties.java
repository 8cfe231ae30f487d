package io.zabtx.coordinator.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code zabtx.grpc.*}: the client and participant gRPC API.
 *
 * @param port the port of a single-node ensemble (with members, this node's entry decides); 0 picks
 *     a free one
 * @param maxInboundMessageSize the largest request accepted
 */
@ConfigurationProperties("zabtx.grpc")
public record GrpcProperties(
    @DefaultValue("9090") int port, @DefaultValue("1MB") DataSize maxInboundMessageSize) {}
