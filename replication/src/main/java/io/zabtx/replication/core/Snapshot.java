package io.zabtx.replication.core;

/**
 * A serialized state machine that reflects every committed entry up to and including {@code zxid}
 * and nothing after it. Snapshots are taken only of applied (hence committed) state, which is why a
 * correct protocol never truncates below one.
 *
 * <p>{@link #EMPTY} stands for the initial state of the state machine before any entry.
 *
 * @param zxid the last entry reflected in the state
 * @param data the serialized state; owned by the snapshot, never modified
 */
public record Snapshot(long zxid, byte[] data) {

  /** The state before any entry. */
  public static final Snapshot EMPTY = new Snapshot(Zxid.ZERO, new byte[0]);

  /** Rejects a missing payload. */
  public Snapshot {
    java.util.Objects.requireNonNull(data, "data");
  }

  @Override
  public String toString() {
    return "Snapshot[" + Zxid.format(zxid) + ", " + data.length + "B]";
  }
}
