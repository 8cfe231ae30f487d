package io.zabtx.participant.runtime;

import io.zabtx.participant.branch.BranchKey;
import io.zabtx.participant.jdbc.BranchTicket;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The branches this participant registered, by xid: the first write of an xid registers, and every
 * later (or concurrent) write of the same xid shares that registration. Bounded by {@code
 * maxEntries}; an entry goes when its branch finishes or is forgotten, and entries past their
 * deadline make room for new ones. A failed registration is not kept: the next write tries again.
 */
final class Registrations {

  /** Registers {@code xid} with the coordinator (blocking). */
  interface Registrar {
    BranchTicket register(String xid) throws SQLException;
  }

  private final Map<String, CompletableFuture<BranchTicket>> byXid = new ConcurrentHashMap<>();
  private final int maxEntries;
  private final LongSupplier clock;

  Registrations(int maxEntries, LongSupplier clock) {
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /**
   * The ticket of {@code xid}: registered by this call if no other did, else the one another call
   * registered (or is registering: waits up to {@code waitMillis}).
   */
  BranchTicket ticket(String xid, Registrar registrar, long waitMillis) throws SQLException {
    for (int round = 0; round < 2; round++) {
      CompletableFuture<BranchTicket> mine = new CompletableFuture<>();
      CompletableFuture<BranchTicket> shared = byXid.putIfAbsent(xid, mine);
      if (shared == null) {
        return registerAs(xid, mine, registrar);
      }
      BranchTicket t = await(xid, shared, waitMillis);
      if (t.deadlineMillis() > clock.getAsLong()) {
        return t;
      }
      // Past its deadline: ask the coordinator again (it answers whether the xid still takes work).
      byXid.remove(xid, shared);
    }
    throw new SQLException(
        "global transaction " + xid + ": registration raced with its expiry twice; retry");
  }

  /** The branch {@code key} finished or was forgotten: its xid registers anew if written again. */
  void finished(BranchKey key) {
    CompletableFuture<BranchTicket> f = byXid.get(key.xid());
    if (f != null && f.isDone() && !f.isCompletedExceptionally() && f.join().key().equals(key)) {
      byXid.remove(key.xid(), f);
    }
  }

  int size() {
    return byXid.size();
  }

  private BranchTicket registerAs(
      String xid, CompletableFuture<BranchTicket> mine, Registrar registrar) throws SQLException {
    try {
      if (byXid.size() > maxEntries) {
        evictExpired();
        if (byXid.size() > maxEntries) {
          throw new SQLException(
              "global transaction "
                  + xid
                  + ": this participant already holds "
                  + maxEntries
                  + " registered branches that are not finished; retry when some finish");
        }
      }
      BranchTicket t = registrar.register(xid);
      mine.complete(t);
      return t;
    } catch (SQLException | RuntimeException e) {
      byXid.remove(xid, mine);
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private void evictExpired() {
    long now = clock.getAsLong();
    byXid
        .entrySet()
        .removeIf(
            e -> {
              CompletableFuture<BranchTicket> f = e.getValue();
              return f.isDone()
                  && (f.isCompletedExceptionally() || f.join().deadlineMillis() <= now);
            });
  }

  private static BranchTicket await(
      String xid, CompletableFuture<BranchTicket> shared, long waitMillis) throws SQLException {
    try {
      return shared.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new SQLException(
          "global transaction " + xid + ": registration failed: " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new SQLException(
          "global transaction "
              + xid
              + ": another write of this xid is still registering the branch after "
              + waitMillis
              + " ms; retry");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for the registration of " + xid, e);
    }
  }
}
