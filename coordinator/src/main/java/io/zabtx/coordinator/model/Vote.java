package io.zabtx.coordinator.model;

/** A participant's answer to PREPARE or CAN_COMMIT. */
public enum Vote {
  YES,
  NO
}
