package io.zabtx.replication.runtime;

/**
 * The node refused a proposal because one of its bounded queues is full (the event loop's inbox or
 * the leader's window of uncommitted proposals). Nothing was proposed; back off and retry.
 */
public final class OverloadedException extends RuntimeException {

  public OverloadedException(String what) {
    super(what + " is full; back off and retry");
  }
}
