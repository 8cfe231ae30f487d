package io.zabtx.replication.sim;

import io.zabtx.replication.core.Entry;
import io.zabtx.replication.core.Snapshot;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The simulated application: a running hash of every applied entry. Two nodes agree on state iff
 * they applied the same entries in the same order, which is what the fold invariant compares.
 */
final class SimStateMachine {

  long appliedZxid;
  long count;
  long hash;

  static long fold(long hash, Entry e) {
    long h = hash * 0x9E3779B97F4A7C15L + e.zxid();
    h ^= Arrays.hashCode(e.data()) * 0xC2B2AE3D27D4EB4FL;
    return Long.rotateLeft(h, 29);
  }

  void apply(Entry e) {
    hash = fold(hash, e);
    count++;
    appliedZxid = e.zxid();
  }

  Snapshot snapshot() {
    ByteBuffer b = ByteBuffer.allocate(24);
    b.putLong(appliedZxid).putLong(count).putLong(hash);
    return new Snapshot(appliedZxid, b.array());
  }

  void restore(Snapshot s) {
    if (s.data().length == 0) {
      appliedZxid = s.zxid();
      count = 0;
      hash = 0;
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(s.data());
    appliedZxid = b.getLong();
    count = b.getLong();
    hash = b.getLong();
    if (appliedZxid != s.zxid()) {
      throw new InvariantViolation(
          "snapshot", "snapshot tagged " + s.zxid() + " holds state at " + appliedZxid);
    }
  }
}
