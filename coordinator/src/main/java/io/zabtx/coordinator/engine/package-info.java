/**
 * The transaction engine: 2PC and 3PC as a pure state machine. Events go in ({@link TxEngine}'s
 * methods, each given the current time), commands come out ({@link Effects}): messages to send to
 * participants, records to propose to the replicated decision log, answers to requests. No threads,
 * clocks, sockets or files here; {@code ArchitectureTest} keeps it so. The runtime ({@code
 * io.zabtx.coordinator.runtime}) drives one engine on one thread.
 *
 * <p>{@link TxEngine} is the facade; behind it, one package-private class per concept: {@code
 * Voting} (phase 1), {@code CommitPoint} (the decision and taking over logged ones), {@code
 * Delivery} (phase 2 and ABORT messages with their retries), {@code Abort}, {@code Waiters}
 * (requests waiting on a transaction), {@code Completion} (Completed batches and Forget), {@code
 * Heuristics}, {@code Timers}, {@code TxTable} (what is in memory, and retention), {@code Absent}
 * (answers for xids not in memory) and {@code Failures} (every failure text).
 */
package io.zabtx.coordinator.engine;
