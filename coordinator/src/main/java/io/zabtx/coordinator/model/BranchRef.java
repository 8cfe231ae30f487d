package io.zabtx.coordinator.model;

import java.util.Objects;

/**
 * A registered branch: enough for any leader to send it phase messages.
 *
 * @param branchId 1, 2, ... within its transaction
 * @param endpoint {@code host:port} of the participant's {@code ParticipantService}
 * @param resource the participant's name for the resource the branch changes
 */
public record BranchRef(int branchId, String endpoint, String resource) {

  public BranchRef {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(resource, "resource");
    if (branchId <= 0) {
      throw new IllegalArgumentException("branch ids start at 1, got " + branchId);
    }
  }
}
