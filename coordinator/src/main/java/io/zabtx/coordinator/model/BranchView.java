package io.zabtx.coordinator.model;

/**
 * A branch as the API shows it.
 *
 * @param ref id, endpoint and resource
 * @param status what the coordinator recorded last
 */
public record BranchView(BranchRef ref, BranchStatus status) {}
