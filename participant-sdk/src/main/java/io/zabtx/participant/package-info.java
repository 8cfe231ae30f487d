/**
 * The participant SDK: what a microservice embeds to take part in ZabTX global transactions. Start
 * with {@link io.zabtx.participant.Participant} (plain Java) or the Spring Boot auto-configuration.
 *
 * <p>Sub-packages by feature, I/O at the edges: {@code context} (the bound xid), {@code branch}
 * (the pure branch engine: states, transitions, deadlines), {@code undo} (statement analysis,
 * before/after images, rollback), {@code store} (the SDK's tables, row locks, branch rows), {@code
 * jdbc} (the {@code DataSource} wrapper), {@code runtime} (engine loop, participant gRPC endpoint,
 * coordinator client), {@code client} (beginning and finishing global transactions), {@code
 * annotation} ({@code @GlobalTransactional}), {@code propagation} (xid over HTTP and gRPC) and
 * {@code spring} (auto-configuration).
 */
package io.zabtx.participant;
