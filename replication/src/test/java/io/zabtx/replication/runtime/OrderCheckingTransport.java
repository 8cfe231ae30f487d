package io.zabtx.replication.runtime;

import io.zabtx.replication.core.Message;
import io.zabtx.replication.transport.PeerTransport;
import io.zabtx.replication.transport.TransportStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Wraps a real transport and checks what the runtime hands it: within every leader–learner session
 * the sender's sequence numbers must leave in order without gaps. The core numbers them in the
 * order it emits them, so any reordering by the runtime's pipelined group commit (a held message
 * overtaken by a later one) shows up here, before the receiving core would turn it into a session
 * restart.
 */
final class OrderCheckingTransport implements PeerTransport {

  private record SessionKey(long to, long session) {}

  private final PeerTransport delegate;
  private final Map<SessionKey, Long> nextSeq = new HashMap<>();
  private final List<String> violations = new ArrayList<>();

  OrderCheckingTransport(PeerTransport delegate) {
    this.delegate = delegate;
  }

  /** Every out-of-order send seen so far. */
  synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  @Override
  public void start(Consumer<Message> inbound, LongConsumer peerLost) {
    delegate.start(inbound, peerLost);
  }

  @Override
  public void send(Message message) {
    check(message);
    delegate.send(message);
  }

  @Override
  public void sendAll(List<Message> messages) {
    messages.forEach(this::check);
    delegate.sendAll(messages);
  }

  private void check(Message message) {
    if (message instanceof Message.SessionMessage s) {
      synchronized (this) {
        SessionKey key = new SessionKey(s.to(), s.session());
        long expected = nextSeq.getOrDefault(key, 0L);
        if (s.seq() != expected) {
          violations.add("expected seq " + expected + " but the runtime sent " + s);
        }
        nextSeq.put(key, s.seq() + 1);
      }
    }
  }

  @Override
  public int port() {
    return delegate.port();
  }

  @Override
  public TransportStats stats() {
    return delegate.stats();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
