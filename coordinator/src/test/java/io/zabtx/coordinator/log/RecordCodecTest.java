package io.zabtx.coordinator.log;

import static io.zabtx.coordinator.log.LogFixtures.branch;
import static io.zabtx.coordinator.log.LogFixtures.xid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.coordinator.log.proto.BranchRef;
import io.zabtx.coordinator.log.proto.Completed;
import io.zabtx.coordinator.log.proto.Decision;
import io.zabtx.coordinator.log.proto.Heuristic;
import io.zabtx.coordinator.log.proto.LogRecord;
import io.zabtx.coordinator.log.proto.PreCommit;
import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.HeuristicRecord;
import io.zabtx.coordinator.model.PreCommitRecord;
import io.zabtx.protocol.v1.HeuristicOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecordCodecTest {

  private static io.zabtx.coordinator.model.LogRecord roundTrip(
      io.zabtx.coordinator.model.LogRecord r) {
    return RecordCodec.decode(RecordCodec.encode(r));
  }

  @Test
  void decisionRoundTrips() {
    DecisionRecord d =
        new DecisionRecord(xid(3, 1042), List.of(branch(1), branch(2)), 1_700_000_000_123L, "t", 7);
    assertThat(roundTrip(d)).isEqualTo(d);
  }

  @Test
  void preCommitRoundTrips() {
    PreCommitRecord p =
        new PreCommitRecord(xid(4_294_967_295L, Long.MAX_VALUE), List.of(branch(9)), 5, "x", 4);
    assertThat(roundTrip(p)).isEqualTo(p);
  }

  @Test
  void commitPointsWithNoBranchesAndUnicodeNamesRoundTrip() {
    DecisionRecord d = new DecisionRecord(xid(1, 1), List.of(), 0, "Überweisung 💸 转账", 0);
    PreCommitRecord p =
        new PreCommitRecord(
            xid(1, 2),
            List.of(new io.zabtx.coordinator.model.BranchRef(1, "hôte:1", "compte-é")),
            0,
            "",
            0);
    assertThat(roundTrip(d)).isEqualTo(d);
    assertThat(roundTrip(p)).isEqualTo(p);
  }

  @Test
  void completedRoundTripsWithManyOrNoXids() {
    CompletedRecord many = new CompletedRecord(List.of(xid(2, 1), xid(2, 3), xid(1, 9)), 42);
    CompletedRecord none = new CompletedRecord(List.of(), 42);
    assertThat(roundTrip(many)).isEqualTo(many);
    assertThat(roundTrip(none)).isEqualTo(none);
  }

  @ParameterizedTest
  @EnumSource(HeuristicKind.class)
  void heuristicRoundTripsForEveryKind(HeuristicKind kind) {
    HeuristicRecord h = new HeuristicRecord(xid(2, 5), 3, kind, "ligne modifiée ✓", 99);
    assertThat(roundTrip(h)).isEqualTo(h);
  }

  @Test
  void forgetRoundTrips() {
    assertThat(roundTrip(new ForgetRecord(123_456))).isEqualTo(new ForgetRecord(123_456));
    assertThat(roundTrip(new ForgetRecord(0))).isEqualTo(new ForgetRecord(0));
    assertThat(roundTrip(new ForgetRecord(123_456, 200_000)))
        .isEqualTo(new ForgetRecord(123_456, 200_000));
    assertThat(roundTrip(new ForgetRecord(123_456, 200_000, xid(7, 42))))
        .isEqualTo(new ForgetRecord(123_456, 200_000, xid(7, 42)));
  }

  @Test
  void aForgetWrittenBeforeKeepAtMostExistedReadsAsNoCountBound() {
    byte[] bytes =
        LogRecord.newBuilder()
            .setVersion(1)
            .setForget(
                io.zabtx.coordinator.log.proto.Forget.newBuilder().setCompletedBeforeUnixMs(77))
            .build()
            .toByteArray();
    assertThat(RecordCodec.decode(bytes)).isEqualTo(new ForgetRecord(77, 0, null));
  }

  @Test
  void rejectsAForgetWithAMalformedOnlyBelowXid() {
    byte[] bytes =
        LogRecord.newBuilder()
            .setVersion(1)
            .setForget(
                io.zabtx.coordinator.log.proto.Forget.newBuilder()
                    .setCompletedBeforeUnixMs(77)
                    .setOnlyBelowXid("not-an-xid"))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> RecordCodec.decode(bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("not-an-xid");
  }

  @Test
  void rejectsAForgetWithANegativeKeepAtMost() {
    byte[] bytes =
        LogRecord.newBuilder()
            .setVersion(1)
            .setForget(
                io.zabtx.coordinator.log.proto.Forget.newBuilder()
                    .setCompletedBeforeUnixMs(77)
                    .setKeepAtMost(-1))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> RecordCodec.decode(bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("keep_at_most")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new ForgetRecord(77, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keepAtMost");
  }

  @Test
  void encodedRecordsCarryVersionOne() throws Exception {
    byte[] bytes = RecordCodec.encode(new ForgetRecord(1));
    assertThat(LogRecord.parseFrom(bytes).getVersion()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(HeuristicKind.class)
  void heuristicKindNumbersEqualTheWireContractsHeuristicOutcomeNumbers(HeuristicKind kind) {
    int wire = HeuristicOutcome.valueOf(kind.name()).getNumber();
    assertThat(RecordCodec.number(kind)).isEqualTo(wire);
    assertThat(RecordCodec.heuristicKind(wire)).isEqualTo(kind);
  }

  @Test
  void rejectsBytesThatAreNotProtobuf() {
    assertThatThrownBy(() -> RecordCodec.decode(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("not a decision log record");
  }

  @Test
  void rejectsARecordWithoutBody() {
    byte[] bytes = LogRecord.newBuilder().setVersion(1).build().toByteArray();
    assertThatThrownBy(() -> RecordCodec.decode(bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("no body");
  }

  @Test
  void rejectsARecordWithoutVersion() {
    byte[] bytes =
        LogRecord.newBuilder()
            .setForget(
                io.zabtx.coordinator.log.proto.Forget.newBuilder().setCompletedBeforeUnixMs(1))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> RecordCodec.decode(bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("no format version");
  }

  @Test
  void rejectsANewerVersionSayingThisNodeMustBeUpgraded() {
    byte[] bytes =
        LogRecord.newBuilder()
            .setVersion(2)
            .setForget(
                io.zabtx.coordinator.log.proto.Forget.newBuilder().setCompletedBeforeUnixMs(1))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> RecordCodec.decode(bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("format version 2")
        .hasMessageContaining("older than the node that wrote the record")
        .hasMessageContaining("must be upgraded");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "3", "0-1", "1-0", "-1-2", "1-2-3", "a-b", "99999999999-1", "1-1 "})
  void rejectsAMalformedXid(String bad) {
    byte[] decision = v1().setDecision(Decision.newBuilder().setXid(bad)).build().toByteArray();
    byte[] preCommit = v1().setPreCommit(PreCommit.newBuilder().setXid(bad)).build().toByteArray();
    byte[] completed =
        v1().setCompleted(Completed.newBuilder().addXids("1-1").addXids(bad).setCompletedUnixMs(5))
            .build()
            .toByteArray();
    byte[] heuristic =
        v1().setHeuristic(Heuristic.newBuilder().setXid(bad).setBranchId(1).setOutcome(1))
            .build()
            .toByteArray();
    for (byte[] bytes : List.of(decision, preCommit, completed, heuristic)) {
      assertThatThrownBy(() -> RecordCodec.decode(bytes))
          .isInstanceOf(MalformedRecordException.class)
          .hasMessageContaining("is not an xid");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void rejectsANonPositiveBranchId(int bad) {
    byte[] decision =
        v1().setDecision(
                Decision.newBuilder().setXid("1-1").addBranches(proto(1)).addBranches(proto(bad)))
            .build()
            .toByteArray();
    byte[] preCommit =
        v1().setPreCommit(PreCommit.newBuilder().setXid("1-1").addBranches(proto(bad)))
            .build()
            .toByteArray();
    byte[] heuristic =
        v1().setHeuristic(Heuristic.newBuilder().setXid("1-1").setBranchId(bad).setOutcome(1))
            .build()
            .toByteArray();
    for (byte[] bytes : List.of(decision, preCommit, heuristic)) {
      assertThatThrownBy(() -> RecordCodec.decode(bytes))
          .isInstanceOf(MalformedRecordException.class)
          .hasMessageContaining("branch ids start at 1, got " + bad);
    }
  }

  @Test
  void rejectsADuplicateBranchId() {
    byte[] bytes =
        v1().setDecision(
                Decision.newBuilder().setXid("1-1").addBranches(proto(2)).addBranches(proto(2)))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> RecordCodec.decode(bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("branch id 2 appears twice");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4, -1, 1000})
  void rejectsAnUnknownHeuristicKindNumber(int bad) {
    byte[] bytes =
        v1().setHeuristic(Heuristic.newBuilder().setXid("1-1").setBranchId(1).setOutcome(bad))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> RecordCodec.decode(bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("unknown heuristic outcome number " + bad);
  }

  @Test
  void rejectsACompletedRecordWithoutCompletionTime() {
    byte[] bytes = v1().setCompleted(Completed.newBuilder().addXids("1-1")).build().toByteArray();
    assertThatThrownBy(() -> RecordCodec.decode(bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("completion time must be positive");
  }

  private static LogRecord.Builder v1() {
    return LogRecord.newBuilder().setVersion(1);
  }

  private static BranchRef proto(int id) {
    return BranchRef.newBuilder().setBranchId(id).setEndpoint("h:1").setResource("r").build();
  }
}
