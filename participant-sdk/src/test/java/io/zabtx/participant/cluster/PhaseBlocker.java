package io.zabtx.participant.cluster;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fault injection on a participant's endpoint: phase messages whose method is blocked are answered
 * UNAVAILABLE without reaching the participant, as if the network dropped them. The coordinator
 * retries them; unblocking lets the next attempt through.
 */
final class PhaseBlocker implements ServerInterceptor {

  private final Set<String> blocked = ConcurrentHashMap.newKeySet();

  /**
   * Drops every call of {@code method} ("Prepare", "CanCommit", "PreCommit", "Commit", "Abort").
   */
  PhaseBlocker block(String method) {
    blocked.add(method);
    return this;
  }

  void unblockAll() {
    blocked.clear();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    if (blocked.contains(method)) {
      call.close(
          Status.UNAVAILABLE.withDescription("dropped by the test: " + method), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
