package io.zabtx.coordinator.log;

import io.zabtx.coordinator.log.proto.Heuristic;
import io.zabtx.coordinator.log.proto.LoggedTransaction;
import io.zabtx.coordinator.log.proto.LoggedTransaction.CommitPoint;
import io.zabtx.coordinator.log.proto.SnapshotHeader;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.Xid;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DecisionLog}'s snapshot format (version {@value #VERSION}): a length-delimited {@code
 * zabtx.log.v1.SnapshotHeader}, then exactly {@code header.transactions} length-delimited {@code
 * LoggedTransaction}s in ascending xid order, then the end of the stream. Streamed one transaction
 * at a time, so a large log is never held twice as one protobuf message.
 */
final class SnapshotCodec {

  /** The snapshot format version this node writes and the newest it can read. */
  static final int VERSION = 1;

  private SnapshotCodec() {}

  static void write(LogState s, OutputStream out) throws IOException {
    // Called on the loop thread: nothing changes the state meanwhile, so the count is exact.
    Xid w = s.watermark;
    SnapshotHeader.newBuilder()
        .setVersion(VERSION)
        .setTransactions(s.size())
        .setForgottenWatermark(w == null ? "" : w.toString())
        .setLastAppliedZxid(s.lastAppliedZxid)
        .setRejectedCommitPoints(s.rejectedCommitPoints)
        .setDuplicateCommitPoints(s.duplicateCommitPoints)
        .setIgnoredHeuristics(s.ignoredHeuristics)
        .build()
        .writeDelimitedTo(out);
    for (LoggedTx tx : s.txs.values()) {
      toProto(tx).writeDelimitedTo(out);
    }
    out.flush();
  }

  /**
   * The state in {@code in}; the empty state for an empty stream.
   *
   * @throws IOException naming what is wrong if the snapshot is corrupt, truncated or newer
   */
  static LogState read(InputStream in) throws IOException {
    LogState s = new LogState();
    try {
      SnapshotHeader h = SnapshotHeader.parseDelimitedFrom(in);
      if (h == null) {
        return s; // an empty stream: the initial state
      }
      if (h.getVersion() != VERSION) {
        throw new IOException(
            "decision log snapshot has format version "
                + Integer.toUnsignedString(h.getVersion())
                + " but this node reads only version "
                + VERSION
                + (h.getVersion() > VERSION
                    ? ": it is older than the node that wrote the snapshot and must be upgraded"
                    : ""));
      }
      s.watermark = h.getForgottenWatermark().isEmpty() ? null : xid(h.getForgottenWatermark());
      s.lastAppliedZxid = h.getLastAppliedZxid();
      s.rejectedCommitPoints = h.getRejectedCommitPoints();
      s.duplicateCommitPoints = h.getDuplicateCommitPoints();
      s.ignoredHeuristics = h.getIgnoredHeuristics();
      Xid previous = null;
      for (long i = 0; i < h.getTransactions(); i++) {
        LoggedTransaction t = LoggedTransaction.parseDelimitedFrom(in);
        if (t == null) {
          throw corrupt(
              "it ends after " + i + " of its " + h.getTransactions() + " transactions", null);
        }
        LoggedTx tx = fromProto(t);
        if (previous != null && tx.xid().compareTo(previous) <= 0) {
          throw corrupt(
              "transaction " + tx.xid() + " follows " + previous + " (not xid order)", null);
        }
        if (s.isForgotten(tx.xid())) {
          throw corrupt(
              "transaction " + tx.xid() + " is at or below the watermark " + s.watermark, null);
        }
        s.put(null, tx);
        previous = tx.xid();
      }
      if (in.read() != -1) {
        throw corrupt("bytes follow its " + h.getTransactions() + " transactions", null);
      }
    } catch (MalformedRecordException e) {
      throw corrupt(e.getMessage(), e);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw corrupt("not protobuf: " + e.getMessage(), e);
    }
    return s;
  }

  private static IOException corrupt(String why, Throwable cause) {
    return new IOException("corrupt decision log snapshot: " + why, cause);
  }

  private static Xid xid(String text) {
    try {
      return Xid.parse(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException(e.getMessage(), e);
    }
  }

  private static LoggedTransaction toProto(LoggedTx tx) {
    LoggedTransaction.Builder b =
        LoggedTransaction.newBuilder()
            .setXid(tx.xid().toString())
            .setCommitPoint(commitPoint(tx.protocol()))
            .addAllBranches(RecordCodec.toProto(tx.branches()))
            .setDecidedUnixMs(tx.decidedAtMillis())
            .setName(tx.name() == null ? "" : tx.name())
            .setBegunUnixMs(tx.begunAtMillis())
            .setCompletedUnixMs(tx.completedAtMillis());
    for (HeuristicRecord h : tx.heuristics()) {
      b.addHeuristics(RecordCodec.toProto(h));
    }
    return b.build();
  }

  private static LoggedTx fromProto(LoggedTransaction t) {
    Xid xid = RecordCodec.xid(t.getXid());
    TxProtocol protocol =
        switch (t.getCommitPoint()) {
          case NONE -> null;
          case DECISION -> TxProtocol.TWO_PHASE;
          case PRE_COMMIT -> TxProtocol.THREE_PHASE;
          case UNRECOGNIZED ->
              throw new MalformedRecordException(
                  xid + ": unknown commit point number " + t.getCommitPointValue());
        };
    List<HeuristicRecord> reports = new ArrayList<>(t.getHeuristicsCount());
    for (Heuristic h : t.getHeuristicsList()) {
      HeuristicRecord r = RecordCodec.heuristic(h);
      if (!r.xid().equals(xid)) {
        throw new MalformedRecordException(xid + " holds a heuristic report for " + r.xid());
      }
      reports.add(r);
    }
    if (protocol == null && reports.isEmpty()) {
      throw new MalformedRecordException(xid + " has neither a commit point nor a report");
    }
    if (t.getCompletedUnixMs() < 0 || (protocol == null && t.getCompletedUnixMs() != 0)) {
      throw new MalformedRecordException(
          xid + " has an impossible completion time " + t.getCompletedUnixMs());
    }
    return new LoggedTx(
        xid,
        protocol,
        RecordCodec.branches(t.getBranchesList()),
        t.getDecidedUnixMs(),
        t.getName(),
        t.getBegunUnixMs(),
        t.getCompletedUnixMs(),
        reports);
  }

  private static CommitPoint commitPoint(TxProtocol protocol) {
    if (protocol == null) {
      return CommitPoint.NONE;
    }
    return switch (protocol) {
      case TWO_PHASE -> CommitPoint.DECISION;
      case THREE_PHASE -> CommitPoint.PRE_COMMIT;
    };
  }
}
