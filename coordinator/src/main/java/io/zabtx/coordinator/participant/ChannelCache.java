package io.zabtx.coordinator.participant;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zabtx.protocol.v1.ParticipantServiceGrpc;
import io.zabtx.protocol.v1.ParticipantServiceGrpc.ParticipantServiceStub;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel and one circuit breaker per participant endpoint, made on first use, at most
 * {@code maxChannels} of them. To make room it closes the least recently used endpoint that has no
 * call in flight (its breaker goes with it: an endpoint seen again starts with a closed breaker).
 * Thread-safe; every method holds the cache's lock only briefly and never blocks on the network.
 */
final class ChannelCache {

  /** A participant endpoint's channel, stub and breaker. {@code activeCalls} is lock-guarded. */
  static final class Endpoint {
    final String target;
    final ManagedChannel channel;
    final ParticipantServiceStub stub;
    final CircuitBreaker breaker;
    private int activeCalls;

    private Endpoint(String target, ManagedChannel channel, CircuitBreaker breaker) {
      this.target = target;
      this.channel = channel;
      this.stub = ParticipantServiceGrpc.newStub(channel);
      this.breaker = breaker;
    }
  }

  // Small answers only (a vote or an ack): a larger message is a broken or hostile participant.
  private static final int MAX_INBOUND_BYTES = 64 * 1024;

  private final int maxChannels;
  private final Executor callbackExecutor;
  private final CircuitBreakerRegistry breakers;
  // Access order: iteration starts at the least recently used endpoint.
  private final LinkedHashMap<String, Endpoint> byTarget = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  ChannelCache(int maxChannels, Executor callbackExecutor, CircuitBreakerRegistry breakers) {
    this.maxChannels = maxChannels;
    this.callbackExecutor = callbackExecutor;
    this.breakers = breakers;
  }

  /**
   * The endpoint for {@code target}, counted as having one more call in flight until {@link
   * #release}.
   *
   * @throws IllegalArgumentException if {@code target} is not {@code host:port}
   * @throws IllegalStateException if the cache is closed, or full of endpoints with calls in flight
   */
  synchronized Endpoint acquire(String target) {
    if (closed) {
      throw new IllegalStateException("coordinator shutting down");
    }
    Endpoint endpoint = byTarget.get(target);
    if (endpoint == null) {
      EndpointAddress address = EndpointAddress.parse(target);
      if (byTarget.size() >= maxChannels && !evictIdle()) {
        throw new IllegalStateException(
            "no channel for "
                + target
                + ": all "
                + maxChannels
                + " participant channels have calls in flight (raise maxChannels)");
      }
      ManagedChannel channel =
          NettyChannelBuilder.forAddress(address.host(), address.port())
              .usePlaintext()
              .executor(callbackExecutor)
              .maxInboundMessageSize(MAX_INBOUND_BYTES)
              .build();
      endpoint = new Endpoint(target, channel, breakers.circuitBreaker(target));
      byTarget.put(target, endpoint);
    }
    endpoint.activeCalls++;
    return endpoint;
  }

  /** Ends one call counted by {@link #acquire}. */
  synchronized void release(Endpoint endpoint) {
    endpoint.activeCalls--;
  }

  /** Channels open now. */
  synchronized int size() {
    return byTarget.size();
  }

  /** True if a channel to {@code target} is open. */
  synchronized boolean contains(String target) {
    return byTarget.containsKey(target);
  }

  /**
   * Closes every channel at once (calls in flight end with CANCELLED) and refuses new ones. Waits
   * up to {@code waitMillis} for the channels to terminate, so their last callbacks have run.
   */
  void closeAll(long waitMillis) {
    List<ManagedChannel> channels;
    synchronized (this) {
      closed = true;
      channels = new ArrayList<>();
      for (Endpoint endpoint : byTarget.values()) {
        channels.add(endpoint.channel);
      }
      byTarget.clear();
    }
    channels.forEach(ManagedChannel::shutdownNow);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    for (ManagedChannel channel : channels) {
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0 || !channel.awaitTermination(left, TimeUnit.NANOSECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private boolean evictIdle() {
    Iterator<Map.Entry<String, Endpoint>> it = byTarget.entrySet().iterator();
    while (it.hasNext()) {
      Endpoint candidate = it.next().getValue();
      if (candidate.activeCalls == 0) {
        it.remove();
        candidate.channel.shutdown();
        breakers.remove(candidate.target);
        return true;
      }
    }
    return false;
  }
}
