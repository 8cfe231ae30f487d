package io.zabtx.coordinator.participant;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** An {@code onResult} that remembers the first result, its thread, and how often it was called. */
final class ResultProbe implements Consumer<DeliveryResult> {

  private final AtomicInteger calls = new AtomicInteger();
  private final CompletableFuture<DeliveryResult> first = new CompletableFuture<>();
  private volatile String threadName;

  @Override
  public void accept(DeliveryResult result) {
    if (calls.incrementAndGet() == 1) {
      threadName = Thread.currentThread().getName();
      first.complete(result);
    }
  }

  /** The result; AssertionError if none came within {@code timeout}. */
  DeliveryResult await(Duration timeout) {
    try {
      return first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + timeout);
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  boolean isDone() {
    return first.isDone();
  }

  int calls() {
    return calls.get();
  }

  String threadName() {
    return threadName;
  }
}
