package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.LogRecord;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The proposals to the decision log still in flight, by proposal id, with what each was for: the
 * result of a proposal ({@code recordDurable} or {@code recordFailed}) is applied through it.
 */
final class Proposals {

  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private long nextId = 1;

  /** Emits a Propose of {@code record} and remembers {@code p} for its result; returns its id. */
  long propose(Pending p, LogRecord record, Effects out) {
    long id = nextId++;
    pending.put(id, p);
    out.add(new Command.Propose(id, record));
    return id;
  }

  /** Removes and returns what proposal {@code id} was for, or null if it is unknown. */
  Pending take(long id) {
    return pending.remove(id);
  }

  /** In the order they were proposed. */
  Collection<Pending> inFlight() {
    return pending.values();
  }

  void clear() {
    pending.clear();
  }
}
