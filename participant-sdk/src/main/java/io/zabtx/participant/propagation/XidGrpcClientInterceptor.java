package io.zabtx.participant.propagation;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.zabtx.participant.context.DtxContext;
import java.util.Optional;

/**
 * Adds metadata {@code dtx-xid} with the xid bound to the thread that creates the call (the thread
 * calling a stub method, also for async and future stubs) to outgoing gRPC calls. Calls created
 * without a bound xid are left as they are. Use with {@code ClientInterceptors.intercept(channel,
 * ..)} or a channel builder's {@code intercept(..)}. Stateless and thread-safe.
 */
public final class XidGrpcClientInterceptor implements ClientInterceptor {

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    Optional<String> xid = DtxContext.currentXid();
    ClientCall<Q, R> call = next.newCall(method, options);
    if (xid.isEmpty()) {
      return call;
    }
    return new SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        headers.discardAll(XidGrpcMetadata.KEY);
        headers.put(XidGrpcMetadata.KEY, xid.get());
        super.start(listener, headers);
      }
    };
  }
}
