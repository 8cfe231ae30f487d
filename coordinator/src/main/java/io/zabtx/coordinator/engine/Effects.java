package io.zabtx.coordinator.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands one or more engine calls produced, in order. The runtime passes one {@code Effects}
 * to a batch of calls, then carries out {@link #commands()} and {@link #clear()}s it. Not
 * thread-safe: it belongs to the thread that drives the engine.
 */
public final class Effects {

  private final List<Command> commands = new ArrayList<>();

  /** Everything emitted since the last {@link #clear()}, in order. */
  public List<Command> commands() {
    return commands;
  }

  public void clear() {
    commands.clear();
  }

  public boolean isEmpty() {
    return commands.isEmpty();
  }

  void add(Command c) {
    commands.add(c);
  }

  /** Answers request {@code requestId}. */
  void reply(long requestId, Answer answer) {
    add(new Command.Reply(requestId, answer));
  }
}
