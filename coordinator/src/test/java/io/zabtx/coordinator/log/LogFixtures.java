package io.zabtx.coordinator.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.model.BranchRef;
import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.LogRecord;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Xid;
import io.zabtx.replication.core.Zxid;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/** Records, zxids and state comparisons shared by the decision log's tests. */
final class LogFixtures {

  private LogFixtures() {}

  static Zxid zxid(long epoch, long counter) {
    return new Zxid(Zxid.make(epoch, counter));
  }

  static Xid xid(long epoch, long sequence) {
    return new Xid(epoch, sequence);
  }

  static BranchRef branch(int id) {
    return new BranchRef(id, "participant-" + id + ":9000", "db" + id);
  }

  static DecisionRecord decision(Xid xid) {
    return new DecisionRecord(xid, List.of(branch(1), branch(2)), 100, "transfer", 50);
  }

  static PreCommitRecord preCommit(Xid xid) {
    return new PreCommitRecord(xid, List.of(branch(1), branch(2)), 100, "transfer", 50);
  }

  static CompletedRecord completed(long atMillis, Xid... xids) {
    return new CompletedRecord(Arrays.asList(xids), atMillis);
  }

  static HeuristicRecord heuristic(Xid xid, int branchId, HeuristicKind kind, long atMillis) {
    return new HeuristicRecord(
        xid, branchId, kind, "branch " + branchId + " saw " + kind, atMillis);
  }

  static byte[] snapshotOf(DecisionLog log) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      log.snapshot(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static DecisionLog restored(byte[] snapshot) throws IOException {
    DecisionLog log = new DecisionLog();
    log.restore(new ByteArrayInputStream(snapshot));
    return log;
  }

  /** Every observable part of {@code actual} equals that of {@code expected}. */
  static void assertSameState(DecisionLog actual, DecisionLog expected) {
    assertThat(actual.all()).isEqualTo(expected.all());
    assertThat(actual.list(null, 0, Integer.MAX_VALUE))
        .isEqualTo(expected.list(null, 0, Integer.MAX_VALUE));
    assertThat(actual.unfinished()).isEqualTo(expected.unfinished());
    assertThat(actual.watermark()).isEqualTo(expected.watermark());
    assertThat(actual.size()).isEqualTo(expected.size());
    for (TxStatus s : TxStatus.values()) {
      assertThat(actual.count(s)).as("count(%s)", s).isEqualTo(expected.count(s));
    }
    assertThat(actual.rejectedCommitPoints()).isEqualTo(expected.rejectedCommitPoints());
    assertThat(actual.duplicateCommitPoints()).isEqualTo(expected.duplicateCommitPoints());
    assertThat(actual.ignoredHeuristics()).isEqualTo(expected.ignoredHeuristics());
    assertThat(actual.lastAppliedZxid()).isEqualTo(expected.lastAppliedZxid());
  }

  /** Feeds records to a {@link DecisionLog} as consecutive entries of the current epoch. */
  static final class Driver {
    final DecisionLog log;
    private long epoch = 1;
    private long counter;

    Driver() {
      this(new DecisionLog());
    }

    Driver(DecisionLog log) {
      this.log = log;
      this.epoch = Math.max(1, log.lastAppliedZxid().epoch());
      this.counter = log.lastAppliedZxid().counter();
    }

    /** Later records go into entries of {@code newEpoch} (not older than the current one). */
    Driver epoch(long newEpoch) {
      if (newEpoch != epoch) {
        epoch = newEpoch;
        counter = 0;
      }
      return this;
    }

    long epoch() {
      return epoch;
    }

    /** Applies {@code record} in the next entry; returns that entry's zxid. */
    Zxid apply(LogRecord record) {
      Zxid z = zxid(epoch, ++counter);
      log.apply(z, RecordCodec.encode(record));
      return z;
    }

    Driver applyAll(LogRecord... records) {
      for (LogRecord r : records) {
        apply(r);
      }
      return this;
    }
  }
}
