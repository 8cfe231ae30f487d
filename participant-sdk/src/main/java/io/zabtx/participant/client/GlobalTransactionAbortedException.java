package io.zabtx.participant.client;

/**
 * A commit answered with ABORT: the global transaction did not commit and every branch's work is
 * being (or was) rolled back, for example because a participant voted NO, the deadline passed, or a
 * coordinator failover found no commit point (presumed abort). The caller's work did not happen.
 */
public final class GlobalTransactionAbortedException extends DtxException {

  public GlobalTransactionAbortedException(String xid, String message, Throwable cause) {
    super(DtxErrorCode.TX_ABORTED, xid, message, cause);
  }
}
