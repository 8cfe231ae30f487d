package io.zabtx.coordinator.engine;

import io.zabtx.coordinator.model.TxProtocol;

/** The engine's cumulative counters, kept for {@link EngineStats}. */
final class Counters {

  private long begun2pc;
  private long begun3pc;
  private long committed2pc;
  private long committed3pc;
  private long aborted2pc;
  private long aborted3pc;
  private long heuristics;
  private long heuristicMixed;

  void begun(TxProtocol protocol) {
    if (protocol == TxProtocol.TWO_PHASE) {
      begun2pc++;
    } else {
      begun3pc++;
    }
  }

  void committed(TxProtocol protocol) {
    if (protocol == TxProtocol.TWO_PHASE) {
      committed2pc++;
    } else {
      committed3pc++;
    }
  }

  void aborted(TxProtocol protocol) {
    if (protocol == TxProtocol.TWO_PHASE) {
      aborted2pc++;
    } else {
      aborted3pc++;
    }
  }

  void heuristicRecorded() {
    heuristics++;
  }

  /** Counts {@code tx} as HEURISTIC_MIXED the first time it is. */
  void countMixed(Tx tx) {
    if (!tx.mixedCounted && tx.mixed()) {
      tx.mixedCounted = true;
      heuristicMixed++;
    }
  }

  /** A transaction not in memory became HEURISTIC_MIXED. */
  void mixedInLog() {
    heuristicMixed++;
  }

  EngineStats stats(int inFlight, int phase2Backlog, int retained) {
    return new EngineStats(
        begun2pc,
        begun3pc,
        committed2pc,
        committed3pc,
        aborted2pc,
        aborted3pc,
        heuristics,
        heuristicMixed,
        inFlight,
        phase2Backlog,
        retained);
  }
}
