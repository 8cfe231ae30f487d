package io.zabtx.coordinator.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code zabtx.runtime.*}: the engine's thread and forwarding.
 *
 * @param maxPendingRequests requests waiting for the engine's thread before new ones answer
 *     OVERLOADED
 * @param forwardTimeout how long a follower waits for the leader when it forwards a call
 */
@ConfigurationProperties("zabtx.runtime")
public record RuntimeProperties(
    @DefaultValue("20000") int maxPendingRequests, @DefaultValue("10s") Duration forwardTimeout) {}
