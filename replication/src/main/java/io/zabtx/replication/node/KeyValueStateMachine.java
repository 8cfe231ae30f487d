package io.zabtx.replication.node;

import io.zabtx.replication.core.Zxid;
import io.zabtx.replication.runtime.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * A replicated key-value map, the state machine of the runnable node and of the cluster tests. A
 * command is {@link #put(String, byte[])}-encoded. Besides the map it keeps the count of applied
 * entries and a hash folded over their order, so two nodes can be compared for applying the same
 * entries in the same order without shipping their contents.
 *
 * <p>Reads ({@link #get}, {@link #status}) are safe from any thread; writes happen on the node's
 * event loop.
 */
public final class KeyValueStateMachine implements StateMachine {

  /** What a node has applied: how many entries, up to which zxid, and their order hash. */
  public record Status(long count, long lastZxid, long orderHash) {}

  private final Map<String, byte[]> map = new ConcurrentHashMap<>();
  private volatile Status status = new Status(0, 0, 0);
  private final CRC32C crc = new CRC32C(); // used by apply only, on the event loop

  /** Encodes a put command. */
  public static byte[] put(String key, byte[] value) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + k.length + value.length)
        .putInt(k.length)
        .put(k)
        .put(value)
        .array();
  }

  @Override
  public void apply(Zxid zxid, byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data);
    int keyLength = data.length >= 4 ? b.getInt() : -1;
    if (keyLength >= 0 && keyLength <= data.length - 4) {
      String key = new String(data, 4, keyLength, StandardCharsets.UTF_8);
      map.put(key, Arrays.copyOfRange(data, 4 + keyLength, data.length));
    }
    // Entries that are not puts (e.g. benchmark payloads) still count towards order and hash.
    Status s = status;
    long h = s.orderHash() * 0x9E3779B97F4A7C15L + zxid.value();
    // CRC32C is a CPU intrinsic; Arrays.hashCode over 1 KiB entries was 14% of a saturated
    // leader's Java samples.
    crc.reset();
    crc.update(data);
    h = Long.rotateLeft(h ^ crc.getValue() * 0xC2B2AE3D27D4EB4FL, 29);
    status = new Status(s.count() + 1, zxid.value(), h);
  }

  /** The value under {@code key}, or null. */
  public byte[] get(String key) {
    return map.get(key);
  }

  /** Number of keys. */
  public int size() {
    return map.size();
  }

  /** Applied count, last zxid and order hash. */
  public Status status() {
    return status;
  }

  @Override
  public void snapshot(OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    Status s = status;
    d.writeLong(s.count());
    d.writeLong(s.lastZxid());
    d.writeLong(s.orderHash());
    d.writeInt(map.size());
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      d.writeUTF(e.getKey());
      d.writeInt(e.getValue().length);
      d.write(e.getValue());
    }
    d.flush();
  }

  @Override
  public void restore(InputStream in) throws IOException {
    map.clear();
    DataInputStream d = new DataInputStream(in);
    long count;
    try {
      count = d.readLong();
    } catch (EOFException empty) {
      status = new Status(0, 0, 0);
      return;
    }
    Status s = new Status(count, d.readLong(), d.readLong());
    int n = d.readInt();
    for (int i = 0; i < n; i++) {
      String key = d.readUTF();
      byte[] value = new byte[d.readInt()];
      d.readFully(value);
      map.put(key, value);
    }
    status = s;
  }
}
