package io.zabtx.replication.transport;

import io.zabtx.replication.core.Message;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/** Records what a transport delivers, as a runtime's inbox would, without blocking. */
final class Inbox implements Consumer<Message> {
  private final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();

  @Override
  public void accept(Message m) {
    received.add(m);
  }

  List<Message> all() {
    return List.copyOf(received);
  }

  List<Message> from(long sid) {
    return received.stream().filter(m -> m.from() == sid).toList();
  }

  int countFrom(long sid) {
    return (int) received.stream().filter(m -> m.from() == sid).count();
  }

  /** The seq numbers of the pings from {@code sid}, in arrival order. */
  List<Long> pingSeqsFrom(long sid) {
    return from(sid).stream().map(m -> ((Message.Ping) m).seq()).toList();
  }
}
