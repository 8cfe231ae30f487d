package io.zabtx.coordinator.engine;

/**
 * A snapshot of the engine's counters (cumulative since the engine was created) and gauges.
 *
 * @param begun2pc transactions begun with 2PC
 * @param begun3pc transactions begun with 3PC
 * @param committed2pc 2PC transactions whose commit point became durable
 * @param committed3pc 3PC transactions whose commit point became durable
 * @param aborted2pc 2PC transactions decided ABORT
 * @param aborted3pc 3PC transactions decided ABORT
 * @param heuristics heuristic reports recorded
 * @param heuristicMixed transactions that became HEURISTIC_MIXED
 * @param inFlight transactions not yet finished (ACTIVE to phase 2 done)
 * @param phase2Backlog branches waiting for a phase-2 acknowledgement
 * @param retained finished transactions kept in memory
 */
public record EngineStats(
    long begun2pc,
    long begun3pc,
    long committed2pc,
    long committed3pc,
    long aborted2pc,
    long aborted3pc,
    long heuristics,
    long heuristicMixed,
    int inFlight,
    int phase2Backlog,
    int retained) {}
