package io.zabtx.participant.branch;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands one or more engine calls produced, in order. The runtime carries out {@link
 * #commands()} and then {@link #clear()}s it. Not thread-safe: it belongs to the engine's thread.
 */
public final class BranchEffects {

  private final List<BranchCommand> commands = new ArrayList<>();

  /** Everything emitted since the last {@link #clear()}, in order. */
  public List<BranchCommand> commands() {
    return commands;
  }

  /** Forgets the commands carried out. */
  public void clear() {
    commands.clear();
  }

  void add(BranchCommand c) {
    commands.add(c);
  }
}
