package io.zabtx.replication.transport;

import java.util.concurrent.atomic.LongAdder;

/** The transport's live counters, bumped from any thread; {@link TransportStats} snapshots them. */
final class TransportCounters {
  final LongAdder sent = new LongAdder();
  final LongAdder framesSent = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder droppedQueueFull = new LongAdder();
  final LongAdder droppedTooLarge = new LongAdder();
  final LongAdder droppedMalformed = new LongAdder();
  final LongAdder droppedMisaddressed = new LongAdder();
  final LongAdder handshakesRefused = new LongAdder();
  final LongAdder reconnects = new LongAdder();
}
