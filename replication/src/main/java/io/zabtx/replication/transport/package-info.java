/**
 * The peer transport: moves {@link io.zabtx.replication.core.Message}s between the nodes of one
 * ensemble over gRPC ({@code src/main/proto/zab_peer.proto}).
 *
 * <ul>
 *   <li>{@link io.zabtx.replication.transport.PeerTransport} is the contract the runtime uses;
 *       {@link io.zabtx.replication.transport.GrpcPeerTransport} implements it, configured by a
 *       {@link io.zabtx.replication.transport.TransportConfig}.
 *   <li>Each node opens one stream to each peer it sends to ({@code PeerLink}) and accepts one
 *       stream from each peer ({@code InboundStream}); a stream carries one direction only, which
 *       makes FIFO per ordered pair a property of the stream. A Hello handshake checks cluster id,
 *       membership and receiver before any message is delivered, and before any is sent.
 *   <li>Messages that queue up for a peer go out together in one batch frame, because per-frame
 *       gRPC cost dominates under load; an idle stream still sends each message at once.
 *   <li>When an accepted stream with a peer breaks, the transport tells the runtime at once ({@code
 *       peerLost}), so that it need not wait for a timeout to suspect the peer.
 *   <li>{@code MessageCodec} maps the core's records to protobuf and back, strictly.
 *   <li>Memory is bounded: a fixed queue per peer (overflow is dropped and counted) and gRPC flow
 *       control on every stream. Loss is safe because ZAB numbers session messages.
 * </ul>
 *
 * <p>The generated protobuf and gRPC classes live in {@code io.zabtx.replication.transport.proto}.
 */
package io.zabtx.replication.transport;
