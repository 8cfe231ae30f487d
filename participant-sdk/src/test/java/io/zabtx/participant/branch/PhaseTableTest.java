package io.zabtx.participant.branch;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.participant.branch.BranchCommand.LocalCommit;
import io.zabtx.participant.branch.BranchCommand.LocalRollback;
import io.zabtx.participant.branch.BranchCommand.Persist;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every state × every phase message of DESIGN.md §4.1, for both protocols: the answer, the state
 * after, the durable step taken first, and that a duplicate of the message gets the same answer
 * without another durable step. UNKNOWN is a branch the participant never saw.
 */
class PhaseTableTest {

  private static final BranchKey K = Driver.key("7-1", 1);

  @ParameterizedTest(name = "{0} {1} + {2} -> {3}, {4} via {5}")
  @CsvSource({
    // 2PC
    "TWO_PC, UNKNOWN, PREPARE, NO, ABORTED, PERSIST",
    "TWO_PC, UNKNOWN, COMMIT, REJECT, UNKNOWN, NONE",
    "TWO_PC, UNKNOWN, ABORT, ACK:ABORTED, ABORTED, PERSIST",
    "TWO_PC, ACTIVE, PREPARE, YES, PREPARED, PERSIST",
    "TWO_PC, ACTIVE, COMMIT, REJECT, ACTIVE, NONE",
    "TWO_PC, ACTIVE, ABORT, ACK:ABORTED, ABORTED, ROLLBACK",
    "TWO_PC, ACTIVE, CAN_COMMIT, REJECT, ACTIVE, NONE",
    "TWO_PC, ACTIVE, PRE_COMMIT, REJECT, ACTIVE, NONE",
    "TWO_PC, PREPARED, PREPARE, YES, PREPARED, NONE",
    "TWO_PC, PREPARED, COMMIT, ACK:COMMITTED, COMMITTED, COMMIT",
    "TWO_PC, PREPARED, ABORT, ACK:ABORTED, ABORTED, ROLLBACK",
    "TWO_PC, COMMITTED, PREPARE, YES, COMMITTED, NONE",
    "TWO_PC, COMMITTED, COMMIT, ACK:COMMITTED, COMMITTED, NONE",
    "TWO_PC, COMMITTED, ABORT, ACK:COMMITTED, COMMITTED, NONE",
    "TWO_PC, ABORTED, PREPARE, NO, ABORTED, NONE",
    "TWO_PC, ABORTED, COMMIT, ACK:ABORTED, ABORTED, NONE",
    "TWO_PC, ABORTED, ABORT, ACK:ABORTED, ABORTED, NONE",
    "TWO_PC, HEURISTIC_HAZARD, PREPARE, NO, HEURISTIC_HAZARD, NONE",
    "TWO_PC, HEURISTIC_HAZARD, COMMIT, ACK:HEURISTIC_HAZARD, HEURISTIC_HAZARD, NONE",
    "TWO_PC, HEURISTIC_HAZARD, ABORT, ACK:HEURISTIC_HAZARD, HEURISTIC_HAZARD, NONE",
    // 3PC
    "THREE_PC, UNKNOWN, CAN_COMMIT, NO, ABORTED, PERSIST",
    "THREE_PC, UNKNOWN, PRE_COMMIT, REJECT, UNKNOWN, NONE",
    "THREE_PC, UNKNOWN, COMMIT, REJECT, UNKNOWN, NONE",
    "THREE_PC, UNKNOWN, ABORT, ACK:ABORTED, ABORTED, PERSIST",
    "THREE_PC, ACTIVE, CAN_COMMIT, YES, READY, PERSIST",
    "THREE_PC, ACTIVE, PRE_COMMIT, REJECT, ACTIVE, NONE",
    "THREE_PC, ACTIVE, COMMIT, REJECT, ACTIVE, NONE",
    "THREE_PC, ACTIVE, ABORT, ACK:ABORTED, ABORTED, ROLLBACK",
    "THREE_PC, ACTIVE, PREPARE, REJECT, ACTIVE, NONE",
    "THREE_PC, READY, CAN_COMMIT, YES, READY, NONE",
    "THREE_PC, READY, PRE_COMMIT, ACK:PRECOMMITTED, PRECOMMITTED, PERSIST",
    "THREE_PC, READY, COMMIT, ACK:COMMITTED, COMMITTED, COMMIT",
    "THREE_PC, READY, ABORT, ACK:ABORTED, ABORTED, ROLLBACK",
    "THREE_PC, PRECOMMITTED, CAN_COMMIT, YES, PRECOMMITTED, NONE",
    "THREE_PC, PRECOMMITTED, PRE_COMMIT, ACK:PRECOMMITTED, PRECOMMITTED, NONE",
    "THREE_PC, PRECOMMITTED, COMMIT, ACK:COMMITTED, COMMITTED, COMMIT",
    "THREE_PC, PRECOMMITTED, ABORT, REJECT, PRECOMMITTED, NONE",
    "THREE_PC, COMMITTED, CAN_COMMIT, YES, COMMITTED, NONE",
    "THREE_PC, COMMITTED, PRE_COMMIT, ACK:COMMITTED, COMMITTED, NONE",
    "THREE_PC, COMMITTED, COMMIT, ACK:COMMITTED, COMMITTED, NONE",
    "THREE_PC, COMMITTED, ABORT, ACK:COMMITTED, COMMITTED, NONE",
    "THREE_PC, ABORTED, CAN_COMMIT, NO, ABORTED, NONE",
    "THREE_PC, ABORTED, PRE_COMMIT, ACK:ABORTED, ABORTED, NONE",
    "THREE_PC, ABORTED, COMMIT, ACK:ABORTED, ABORTED, NONE",
    "THREE_PC, ABORTED, ABORT, ACK:ABORTED, ABORTED, NONE",
    "THREE_PC, HEURISTIC_ABORT, CAN_COMMIT, NO, HEURISTIC_ABORT, NONE",
    "THREE_PC, HEURISTIC_ABORT, PRE_COMMIT, ACK:HEURISTIC_ABORT, HEURISTIC_ABORT, NONE",
    "THREE_PC, HEURISTIC_ABORT, COMMIT, ACK:HEURISTIC_ABORT, HEURISTIC_ABORT, NONE",
    "THREE_PC, HEURISTIC_ABORT, ABORT, ACK:HEURISTIC_ABORT, HEURISTIC_ABORT, NONE",
    "THREE_PC, HEURISTIC_COMMIT, CAN_COMMIT, NO, HEURISTIC_COMMIT, NONE",
    "THREE_PC, HEURISTIC_COMMIT, PRE_COMMIT, ACK:HEURISTIC_COMMIT, HEURISTIC_COMMIT, NONE",
    "THREE_PC, HEURISTIC_COMMIT, COMMIT, ACK:HEURISTIC_COMMIT, HEURISTIC_COMMIT, NONE",
    "THREE_PC, HEURISTIC_COMMIT, ABORT, ACK:HEURISTIC_COMMIT, HEURISTIC_COMMIT, NONE",
    "THREE_PC, HEURISTIC_HAZARD, CAN_COMMIT, NO, HEURISTIC_HAZARD, NONE",
    "THREE_PC, HEURISTIC_HAZARD, PRE_COMMIT, ACK:HEURISTIC_HAZARD, HEURISTIC_HAZARD, NONE",
    "THREE_PC, HEURISTIC_HAZARD, COMMIT, ACK:HEURISTIC_HAZARD, HEURISTIC_HAZARD, NONE",
    "THREE_PC, HEURISTIC_HAZARD, ABORT, ACK:HEURISTIC_HAZARD, HEURISTIC_HAZARD, NONE",
  })
  void stateTimesPhase(
      BranchProtocol protocol, String from, Phase phase, String answer, String after, String step) {
    Driver d = new Driver();
    if (!from.equals("UNKNOWN")) {
      d.reach(K, protocol, BranchState.valueOf(from));
    }

    d.phase(K, protocol, phase);
    List<BranchCommand> first = d.take();
    if (step.equals("NONE")) {
      assertThat(first).noneMatch(Driver::isDurableStep);
      assertThat(Driver.answers(first)).containsExactly(answer);
    } else {
      // The durable step goes out alone: the answer waits for it.
      assertThat(first).hasSize(1);
      assertThat(first.get(0)).isInstanceOf(stepClass(step));
      assertThat(d.state(K)).isEqualTo(parse(from));
      d.complete(first.get(0));
      assertThat(Driver.answers(d.take())).containsExactly(answer);
    }
    assertThat(d.state(K)).isEqualTo(parse(after));

    // A duplicate is answered the same, from the durable state, with no new step.
    d.phase(K, protocol, phase);
    List<BranchCommand> dup = d.take();
    assertThat(dup).noneMatch(Driver::isDurableStep);
    assertThat(Driver.answers(dup)).containsExactly(answer);
    assertThat(d.state(K)).isEqualTo(parse(after));
  }

  private static BranchState parse(String s) {
    return s.equals("UNKNOWN") ? null : BranchState.valueOf(s);
  }

  private static Class<?> stepClass(String step) {
    return switch (step) {
      case "PERSIST" -> Persist.class;
      case "COMMIT" -> LocalCommit.class;
      case "ROLLBACK" -> LocalRollback.class;
      default -> throw new IllegalArgumentException(step);
    };
  }
}
