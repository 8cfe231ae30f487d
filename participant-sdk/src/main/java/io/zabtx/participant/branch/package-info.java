/**
 * The pure branch engine of DESIGN.md §4.1: one participant's branches, their states, the phase
 * messages, deadlines, outcome queries and heuristic decisions. Events in ({@link
 * io.zabtx.participant.branch.BranchEngine}'s methods, each given {@code now}), commands out
 * ({@link io.zabtx.participant.branch.BranchCommand}). No threads, clocks, randomness or I/O (a
 * build rule checks it): JDBC and gRPC are the runtime's business.
 */
package io.zabtx.participant.branch;
