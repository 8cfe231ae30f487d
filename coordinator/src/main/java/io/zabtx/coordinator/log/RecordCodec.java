package io.zabtx.coordinator.log;

import com.google.protobuf.InvalidProtocolBufferException;
import io.zabtx.coordinator.log.proto.Completed;
import io.zabtx.coordinator.log.proto.Decision;
import io.zabtx.coordinator.log.proto.Forget;
import io.zabtx.coordinator.log.proto.Heuristic;
import io.zabtx.coordinator.log.proto.PreCommit;
import io.zabtx.coordinator.model.BranchRef;
import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.LogRecord;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.Xid;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Encodes the decision log's records as {@code zabtx.log.v1.LogRecord} (format version {@value
 * #VERSION}) and decodes them back, rejecting anything that is not a valid record.
 *
 * <p>Stateless and thread-safe.
 */
public final class RecordCodec {

  /** The record format version this node writes and the newest it can read. */
  public static final int VERSION = 1;

  private RecordCodec() {}

  /** The bytes of {@code record}, tagged with {@link #VERSION}. */
  public static byte[] encode(LogRecord record) {
    var b = io.zabtx.coordinator.log.proto.LogRecord.newBuilder().setVersion(VERSION);
    if (record instanceof DecisionRecord d) {
      b.setDecision(
          Decision.newBuilder()
              .setXid(d.xid().toString())
              .addAllBranches(toProto(d.branches()))
              .setDecidedUnixMs(d.decidedAtMillis())
              .setName(Objects.requireNonNullElse(d.name(), ""))
              .setBegunUnixMs(d.begunAtMillis()));
    } else if (record instanceof PreCommitRecord p) {
      b.setPreCommit(
          PreCommit.newBuilder()
              .setXid(p.xid().toString())
              .addAllBranches(toProto(p.branches()))
              .setDecidedUnixMs(p.decidedAtMillis())
              .setName(Objects.requireNonNullElse(p.name(), ""))
              .setBegunUnixMs(p.begunAtMillis()));
    } else if (record instanceof CompletedRecord c) {
      b.setCompleted(
          Completed.newBuilder()
              .addAllXids(c.xids().stream().map(Xid::toString).toList())
              .setCompletedUnixMs(c.completedAtMillis()));
    } else if (record instanceof HeuristicRecord h) {
      b.setHeuristic(toProto(h));
    } else if (record instanceof ForgetRecord f) {
      b.setForget(
          Forget.newBuilder()
              .setCompletedBeforeUnixMs(f.completedBeforeMillis())
              .setKeepAtMost(f.keepAtMost())
              .setOnlyBelowXid(f.onlyBelow() == null ? "" : f.onlyBelow().toString()));
    } else {
      throw new IllegalArgumentException("not a decision log record: " + record);
    }
    return b.build().toByteArray();
  }

  /**
   * The record in {@code bytes}.
   *
   * @throws MalformedRecordException if the bytes are not a valid record, or were written in a
   *     newer format version (this node must then be upgraded)
   */
  public static LogRecord decode(byte[] bytes) {
    io.zabtx.coordinator.log.proto.LogRecord r;
    try {
      r = io.zabtx.coordinator.log.proto.LogRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedRecordException(
          "not a decision log record (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
    checkVersion(r.getVersion());
    return switch (r.getBodyCase()) {
      case DECISION -> {
        Decision d = r.getDecision();
        yield new DecisionRecord(
            xid(d.getXid()),
            branches(d.getBranchesList()),
            d.getDecidedUnixMs(),
            d.getName(),
            d.getBegunUnixMs());
      }
      case PRE_COMMIT -> {
        PreCommit p = r.getPreCommit();
        yield new PreCommitRecord(
            xid(p.getXid()),
            branches(p.getBranchesList()),
            p.getDecidedUnixMs(),
            p.getName(),
            p.getBegunUnixMs());
      }
      case COMPLETED -> completed(r.getCompleted());
      case HEURISTIC -> heuristic(r.getHeuristic());
      case FORGET -> forget(r.getForget());
      case BODY_NOT_SET ->
          throw new MalformedRecordException(
              "decision log record (version " + r.getVersion() + ") has no body");
    };
  }

  /**
   * The protobuf number of {@code kind}: the number of the same-named {@code
   * zabtx.v1.HeuristicOutcome}, so the wire and the log agree.
   */
  static int number(HeuristicKind kind) {
    return switch (kind) {
      case COMMITTED_UNILATERALLY -> 1;
      case ABORTED_UNILATERALLY -> 2;
      case HAZARD -> 3;
    };
  }

  static HeuristicKind heuristicKind(int number) {
    return switch (number) {
      case 1 -> HeuristicKind.COMMITTED_UNILATERALLY;
      case 2 -> HeuristicKind.ABORTED_UNILATERALLY;
      case 3 -> HeuristicKind.HAZARD;
      default ->
          throw new MalformedRecordException(
              "unknown heuristic outcome number "
                  + number
                  + " (known: 1 COMMITTED_UNILATERALLY, 2 ABORTED_UNILATERALLY, 3 HAZARD)");
    };
  }

  private static void checkVersion(int version) {
    if (version == VERSION) {
      return;
    }
    if (version == 0) {
      throw new MalformedRecordException("decision log record has no format version");
    }
    // Unsigned in the schema: a negative int is a huge version, newer all the same.
    throw new MalformedRecordException(
        "decision log record has format version "
            + Integer.toUnsignedString(version)
            + " but this node reads only version "
            + VERSION
            + ": it is older than the node that wrote the record and must be upgraded");
  }

  static Xid xid(String text) {
    try {
      return Xid.parse(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException("decision log record: " + e.getMessage(), e);
    }
  }

  static List<io.zabtx.coordinator.log.proto.BranchRef> toProto(List<BranchRef> branches) {
    List<io.zabtx.coordinator.log.proto.BranchRef> out = new ArrayList<>(branches.size());
    for (BranchRef b : branches) {
      out.add(
          io.zabtx.coordinator.log.proto.BranchRef.newBuilder()
              .setBranchId(b.branchId())
              .setEndpoint(b.endpoint())
              .setResource(b.resource())
              .build());
    }
    return out;
  }

  /** Branch ids must be positive and distinct within one transaction. */
  static List<BranchRef> branches(List<io.zabtx.coordinator.log.proto.BranchRef> branches) {
    List<BranchRef> out = new ArrayList<>(branches.size());
    Set<Integer> seen = new HashSet<>();
    for (var b : branches) {
      if (b.getBranchId() <= 0) {
        throw new MalformedRecordException(
            "decision log record: branch ids start at 1, got " + b.getBranchId());
      }
      if (!seen.add(b.getBranchId())) {
        throw new MalformedRecordException(
            "decision log record: branch id " + b.getBranchId() + " appears twice");
      }
      out.add(new BranchRef(b.getBranchId(), b.getEndpoint(), b.getResource()));
    }
    return out;
  }

  static Heuristic toProto(HeuristicRecord h) {
    return Heuristic.newBuilder()
        .setXid(h.xid().toString())
        .setBranchId(h.branchId())
        .setOutcome(number(h.kind()))
        .setDetail(Objects.requireNonNullElse(h.detail(), ""))
        .setReportedUnixMs(h.reportedAtMillis())
        .build();
  }

  static HeuristicRecord heuristic(Heuristic h) {
    Xid xid = xid(h.getXid());
    if (h.getBranchId() <= 0) {
      throw new MalformedRecordException(
          "heuristic report for " + xid + ": branch ids start at 1, got " + h.getBranchId());
    }
    return new HeuristicRecord(
        xid, h.getBranchId(), heuristicKind(h.getOutcome()), h.getDetail(), h.getReportedUnixMs());
  }

  /** A completion time of 0 would read as "not completed": the leader's clock is never 0. */
  private static CompletedRecord completed(Completed c) {
    if (c.getCompletedUnixMs() <= 0) {
      throw new MalformedRecordException(
          "completed record: completion time must be positive, got " + c.getCompletedUnixMs());
    }
    List<Xid> xids = new ArrayList<>(c.getXidsCount());
    for (String x : c.getXidsList()) {
      xids.add(xid(x));
    }
    return new CompletedRecord(xids, c.getCompletedUnixMs());
  }

  /**
   * keep_at_most 0 and an empty only_below_xid (also what records written before these fields read
   * as) are no count bound and no xid bound.
   */
  private static ForgetRecord forget(Forget f) {
    if (f.getKeepAtMost() < 0) {
      throw new MalformedRecordException(
          "forget record: keep_at_most must be 0 (no count bound) or positive, got "
              + f.getKeepAtMost());
    }
    Xid onlyBelow = f.getOnlyBelowXid().isEmpty() ? null : xid(f.getOnlyBelowXid());
    return new ForgetRecord(f.getCompletedBeforeUnixMs(), f.getKeepAtMost(), onlyBelow);
  }
}
