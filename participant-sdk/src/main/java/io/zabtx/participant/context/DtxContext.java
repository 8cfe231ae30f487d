package io.zabtx.participant.context;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The global transaction the current thread works for: the xid bound by an incoming call (servlet
 * filter, gRPC interceptor) or by {@code GlobalTransactionTemplate}, read by the DataSource wrapper
 * and by outgoing-call interceptors.
 *
 * <p>Bindings nest: {@link #bind} returns a {@link Scope} that restores the previous binding when
 * closed, so use it in try-with-resources. The binding is per thread; work handed to another thread
 * must bind the xid there again.
 */
public final class DtxContext {

  /** The HTTP header and gRPC metadata key that carry the xid between services. */
  public static final String XID_HEADER = "Dtx-Xid";

  /** The coordinator's xid format: {@code <epoch>-<counter>}, both positive decimals. */
  private static final Pattern XID = Pattern.compile("[1-9][0-9]{0,9}-[1-9][0-9]{0,18}");

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private DtxContext() {}

  /** The xid bound to this thread, if any. */
  public static Optional<String> currentXid() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** True when {@code text} has the coordinator's xid format. */
  public static boolean isValidXid(String text) {
    return text != null && XID.matcher(text).matches();
  }

  /**
   * Binds {@code xid} to this thread until the returned scope closes.
   *
   * @throws IllegalArgumentException if {@code xid} is not a well-formed xid
   */
  public static Scope bind(String xid) {
    Objects.requireNonNull(xid, "xid");
    if (!isValidXid(xid)) {
      throw new IllegalArgumentException(
          "malformed xid '"
              + (xid.length() > 40 ? xid.substring(0, 40) + "..." : xid)
              + "': expected <epoch>-<counter> as issued by the coordinator");
    }
    String previous = CURRENT.get();
    CURRENT.set(xid);
    return new Scope(previous);
  }

  /** Restores the binding that was in place before {@link #bind}. Closing twice is harmless. */
  public static final class Scope implements AutoCloseable {
    private final String previous;
    private boolean closed;

    private Scope(String previous) {
      this.previous = previous;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }
}
