/**
 * The transaction engine: 2PC and 3PC as a pure state machine. Events go in ({@link TxEngine}'s
 * methods, each given the current time), commands come out ({@link Effects}): messages to send to
 * participants, records to propose to the replicated decision log, answers to requests. No threads,
 * clocks, sockets or files here; {@code ArchitectureTest} keeps it so. The runtime ({@code
 * io.zabtx.coordinator.runtime}) drives one engine on one thread.
 */
package io.zabtx.coordinator.engine;
