package io.zabtx.replication.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.zabtx.replication.core.Role;
import io.zabtx.replication.core.Zxid;
import io.zabtx.replication.storage.ZabStorage;
import io.zabtx.replication.transport.PeerTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a ZAB ensemble: the protocol core driven by an event loop over real storage and a
 * real transport, replicating a {@link StateMachine}.
 *
 * <p>Threading: all methods are thread-safe. {@link #propose} never blocks; the returned future is
 * completed on the node's event-loop thread, so callbacks attached to it must be quick or hop to an
 * executor of their own.
 */
public final class ZabNode implements AutoCloseable {

  private final NodeLoop loop;

  private ZabNode(NodeLoop loop) {
    this.loop = loop;
  }

  /**
   * Opens storage under {@code config.dataDir()}, restores the state machine from the newest
   * snapshot and prepares the event loop. Nothing runs until {@link #start()}.
   *
   * @throws UncheckedIOException if storage cannot be opened (the message names the file)
   */
  public static ZabNode create(
      ZabNodeConfig config,
      StateMachine stateMachine,
      PeerTransport transport,
      MeterRegistry registry) {
    ZabStorage storage;
    try {
      storage = ZabStorage.open(config.dataDir(), config.storage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open ZAB storage in " + config.dataDir(), e);
    }
    return new ZabNode(new NodeLoop(config, stateMachine, storage, transport, registry));
  }

  /**
   * Starts the transport, the ticker and the event loop; the node begins by looking for a leader.
   */
  public ZabNode start() {
    loop.start();
    return this;
  }

  /**
   * Proposes {@code data} for replication. The future completes with the entry's zxid once it is
   * committed and applied on this node, or fails with {@link NotLeaderException} (nothing proposed:
   * retry on the hinted leader), {@link OverloadedException} (nothing proposed: back off), or
   * {@link LeadershipLostException} (outcome unknown).
   */
  public CompletableFuture<Zxid> propose(byte[] data) {
    return loop.propose(data);
  }

  /** This node's server id. */
  public long sid() {
    return loop.sid();
  }

  /** The current role. */
  public Role role() {
    return loop.role();
  }

  /** The leader's server id, or -1 when none is known. */
  public long leader() {
    return loop.leader();
  }

  /** True when this node leads an established epoch. */
  public boolean isEstablishedLeader() {
    return loop.isEstablishedLeader();
  }

  /** True when this node leads or follows (or observes) an established epoch. */
  public boolean isEstablished() {
    return loop.isEstablished();
  }

  /** The last zxid applied to the state machine on this node. */
  public Zxid lastCommitted() {
    return new Zxid(loop.lastApplied());
  }

  /** The last zxid in this node's durable log (committed or not). */
  public Zxid lastLogged() {
    return new Zxid(loop.lastLogged());
  }

  /** The current epoch of this node's history. */
  public long currentEpoch() {
    return loop.currentEpoch();
  }

  /** Registers a listener for role changes (called on the event-loop thread). */
  public void addRoleListener(RoleListener listener) {
    loop.addRoleListener(listener);
  }

  /** The peer transport's port (useful with ephemeral ports). */
  public int peerPort() {
    return loop.transport().port();
  }

  /** Stops the loop, the ticker and the transport, and closes storage. Idempotent. */
  @Override
  public void close() {
    loop.close();
  }
}
