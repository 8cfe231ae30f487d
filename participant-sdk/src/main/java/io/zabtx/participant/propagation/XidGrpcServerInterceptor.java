package io.zabtx.participant.propagation;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.zabtx.participant.context.DtxContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the xid of an incoming call's {@code dtx-xid} metadata for the service's code. gRPC runs a
 * call's listener callbacks (message, half-close, cancel, complete, ready) on executor threads,
 * possibly a different one each time, so the xid is bound around each callback and around the start
 * of the call, and unbound after each. A call without the metadata passes untouched; a malformed
 * value (or several different ones) closes the call with INVALID_ARGUMENT (and {@code
 * zabtx-error-code: INVALID_ARGUMENT}) before the service sees it.
 *
 * <p>Work the service hands to other threads (e.g. completing a response from a future's callback)
 * must bind the xid there itself. Stateless and thread-safe.
 */
public final class XidGrpcServerInterceptor implements ServerInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(XidGrpcServerInterceptor.class);
  private static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("zabtx-error-code", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Iterable<String> all = headers.getAll(XidGrpcMetadata.KEY);
    if (all == null) {
      return next.startCall(call, headers);
    }
    List<String> values = new ArrayList<>();
    all.forEach(values::add);
    String problem = XidText.problem("metadata " + XidGrpcMetadata.KEY.name(), values);
    if (problem != null) {
      LOG.debug("refused {}: {}", call.getMethodDescriptor().getFullMethodName(), problem);
      Metadata trailers = new Metadata();
      trailers.put(ERROR_CODE, "INVALID_ARGUMENT");
      call.close(Status.INVALID_ARGUMENT.withDescription(problem), trailers);
      return new ServerCall.Listener<>() {};
    }
    String xid = values.get(0).strip();
    ServerCall.Listener<Q> delegate;
    try (DtxContext.Scope bound = DtxContext.bind(xid)) {
      delegate = next.startCall(call, headers);
    }
    return new BindingListener<>(delegate, xid);
  }

  /** Binds the xid around every callback of the call. */
  private static final class BindingListener<Q> extends SimpleForwardingServerCallListener<Q> {
    private final String xid;

    BindingListener(ServerCall.Listener<Q> delegate, String xid) {
      super(delegate);
      this.xid = xid;
    }

    @Override
    public void onMessage(Q message) {
      try (DtxContext.Scope bound = DtxContext.bind(xid)) {
        super.onMessage(message);
      }
    }

    @Override
    public void onHalfClose() {
      try (DtxContext.Scope bound = DtxContext.bind(xid)) {
        super.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      try (DtxContext.Scope bound = DtxContext.bind(xid)) {
        super.onCancel();
      }
    }

    @Override
    public void onComplete() {
      try (DtxContext.Scope bound = DtxContext.bind(xid)) {
        super.onComplete();
      }
    }

    @Override
    public void onReady() {
      try (DtxContext.Scope bound = DtxContext.bind(xid)) {
        super.onReady();
      }
    }
  }
}
