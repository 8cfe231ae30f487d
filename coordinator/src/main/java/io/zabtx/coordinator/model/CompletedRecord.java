package io.zabtx.coordinator.model;

import java.util.List;

/**
 * Every branch of these transactions acknowledged phase 2 (batched).
 *
 * @param xids the completed transactions
 * @param completedAtMillis the leader's clock when it proposed the record
 */
public record CompletedRecord(List<Xid> xids, long completedAtMillis) implements LogRecord {

  public CompletedRecord {
    xids = List.copyOf(xids);
  }
}
