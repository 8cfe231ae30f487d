package io.zabtx.replication.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a runtime must do after one call into {@link ZabCore}. A runtime handles outputs in the
 * order the core returned them, and the parts of one output in this order:
 *
 * <ol>
 *   <li>{@link #persist()}: apply the ops in list order. Log ops may be buffered; before an epoch
 *       op is written, every log op before it must be durable (fsync). Several consecutive outputs
 *       may share one fsync (group commit).
 *   <li>{@link #messages()}: send them, per destination in list order. A message with {@link
 *       Send#afterSync()} set must not leave before every persist op of this output and of all
 *       earlier outputs is durable; later messages to the same destination wait behind it. Other
 *       messages may leave at once. Messages addressed to this node itself are delivered back to
 *       {@link ZabCore#step}.
 *   <li>{@link #restore()}, if present: replace the state machine with this snapshot.
 *   <li>{@link #committed()}: apply these entries to the state machine, in order. They are
 *       committed, i.e. durable on a quorum, so they need not wait for this node's own fsync: a
 *       leader whose disk stalls still answers its clients once its followers acked.
 * </ol>
 *
 * Outputs are not thread-safe; each belongs to the thread that drives the core.
 */
public final class Output {

  /**
   * A message to send.
   *
   * @param message what to send
   * @param afterSync true when it may leave only once everything persisted so far is durable
   */
  public record Send(Message message, boolean afterSync) {}

  /**
   * The node's role changed.
   *
   * @param role the new role
   * @param leader the leader followed or led, or -1 while LOOKING
   * @param epoch the epoch being established or joined, or -1 when not yet known
   */
  public record RoleChange(Role role, long leader, long epoch) {}

  private final List<PersistOp> persist = new ArrayList<>();
  private final List<Send> messages = new ArrayList<>();
  private final List<Entry> committed = new ArrayList<>();
  private Snapshot restore;
  private RoleChange roleChange;
  private long establishedEpoch = -1;
  private long proposedZxid = -1;

  Output() {}

  /** Durable state changes, in order. */
  public List<PersistOp> persist() {
    return Collections.unmodifiableList(persist);
  }

  /** Messages to send, in order. */
  public List<Send> messages() {
    return Collections.unmodifiableList(messages);
  }

  /** Snapshot to restore the state machine from before applying {@link #committed()}, or null. */
  public Snapshot restore() {
    return restore;
  }

  /** Entries that became committed by this call, in zxid order. */
  public List<Entry> committed() {
    return Collections.unmodifiableList(committed);
  }

  /** The role change this call caused, or null. */
  public RoleChange roleChange() {
    return roleChange;
  }

  /**
   * The epoch this node became the established leader of in this call (a quorum acknowledged its
   * NEWLEADER), or -1.
   */
  public long establishedEpoch() {
    return establishedEpoch;
  }

  /** The zxid assigned by {@link ZabCore#propose}, or -1 if the proposal was refused. */
  public long proposedZxid() {
    return proposedZxid;
  }

  /** True when this output asks for nothing at all. */
  public boolean isEmpty() {
    return persist.isEmpty()
        && messages.isEmpty()
        && committed.isEmpty()
        && restore == null
        && roleChange == null
        && establishedEpoch < 0
        && proposedZxid < 0;
  }

  void persist(PersistOp op) {
    persist.add(op);
  }

  void send(Message m) {
    messages.add(new Send(m, false));
  }

  void sendAfterSync(Message m) {
    messages.add(new Send(m, true));
  }

  void committed(Entry e) {
    committed.add(e);
  }

  void restore(Snapshot s) {
    restore = s;
    // Entries committed earlier in this call are superseded by the snapshot.
    committed.clear();
  }

  void roleChange(RoleChange rc) {
    roleChange = rc;
  }

  void established(long epoch) {
    establishedEpoch = epoch;
  }

  void proposed(long zxid) {
    proposedZxid = zxid;
  }

  @Override
  public String toString() {
    return "Output[persist="
        + persist
        + ", messages="
        + messages
        + ", committed="
        + committed.size()
        + (restore != null ? ", restore=" + restore : "")
        + (roleChange != null ? ", role=" + roleChange : "")
        + (establishedEpoch >= 0 ? ", established=" + establishedEpoch : "")
        + "]";
  }
}
