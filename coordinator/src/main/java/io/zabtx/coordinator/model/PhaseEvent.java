package io.zabtx.coordinator.model;

/**
 * One step of a transaction's timeline.
 *
 * @param phase BEGUN, BRANCH_REGISTERED, COMMIT_REQUESTED, VOTES_COLLECTED, DECISION_LOGGED,
 *     PRECOMMIT_LOGGED, PRECOMMIT_ACKED, COMMIT_ACKED, COMPLETED, ABORT_DECIDED, ABORT_ACKED,
 *     HEURISTIC_REPORTED, TAKEN_OVER
 * @param atMillis the leader's clock
 * @param detail free text (e.g. which branch, why), may be empty
 */
public record PhaseEvent(String phase, long atMillis, String detail) {}
