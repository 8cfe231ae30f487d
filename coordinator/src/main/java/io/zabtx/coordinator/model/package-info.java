/**
 * Plain value types shared by the coordinator's engine, decision log and APIs: transaction ids,
 * statuses, branch references, the decision log's records and read-only views. Pure: no threads,
 * clocks, I/O or framework types, so the engine and a deterministic simulation can use them.
 */
package io.zabtx.coordinator.model;
