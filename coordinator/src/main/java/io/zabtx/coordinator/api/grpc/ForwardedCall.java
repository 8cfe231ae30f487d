package io.zabtx.coordinator.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Marks calls that a follower forwarded to the leader (metadata {@code zabtx-forwarded}). A
 * forwarded call is never forwarded again: two nodes that each believe the other leads (stale hints
 * during an election) answer UNAVAILABLE instead of bouncing the call between them.
 */
public final class ForwardedCall implements ServerInterceptor {

  /** Metadata key set on forwarded calls. */
  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of("zabtx-forwarded", Metadata.ASCII_STRING_MARSHALLER);

  private static final Context.Key<Boolean> FORWARDED = Context.key("zabtx-forwarded");

  /** True while handling a call that another node forwarded here. */
  public static boolean isForwarded() {
    return Boolean.TRUE.equals(FORWARDED.get());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (headers.containsKey(HEADER)) {
      return Contexts.interceptCall(
          Context.current().withValue(FORWARDED, Boolean.TRUE), call, headers, next);
    }
    return next.startCall(call, headers);
  }
}
