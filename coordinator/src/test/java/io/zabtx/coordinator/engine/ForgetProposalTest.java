package io.zabtx.coordinator.engine;

import static io.zabtx.coordinator.model.TxProtocol.TWO_PHASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Command.Propose;
import io.zabtx.coordinator.model.CompletedRecord;
import io.zabtx.coordinator.model.DecisionRecord;
import io.zabtx.coordinator.model.ForgetRecord;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.Xid;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The periodic Forget: what it carries, and that an empty log gets none. */
class ForgetProposalTest {

  /** The retention is 60 s: a Forget is due every second. */
  private static final long INTERVAL = 1_000;

  private final EngineDriver d = new EngineDriver().lead(4);

  private List<ForgetRecord> forgets() {
    return d.all.stream()
        .filter(c -> c instanceof Propose p && p.record() instanceof ForgetRecord)
        .map(c -> (ForgetRecord) ((Propose) c).record())
        .toList();
  }

  /** Commits {@code xid} with one branch and makes its Completed durable. */
  private Xid committedAndCompleted() {
    Xid xid = d.active(TWO_PHASE, 1);
    d.commit(xid);
    d.allYes(xid, 1).durable(d.proposal(DecisionRecord.class)).ack(xid, 1, Phase.COMMIT);
    d.advance(50).durable(d.proposal(CompletedRecord.class));
    return xid;
  }

  @Test
  void no_forget_is_proposed_while_the_log_is_empty() {
    for (int i = 0; i < 10; i++) {
      d.advance(INTERVAL);
    }
    assertThat(d.log.size()).isZero();
    assertThat(forgets()).isEmpty();
  }

  @Test
  void the_forget_carries_the_cut_and_the_count_bound() {
    committedAndCompleted();

    d.advance(INTERVAL);

    Propose p = d.proposal(ForgetRecord.class);
    assertThat(p.record())
        .as("nothing in flight: only below the next xid to mint")
        .isEqualTo(
            new ForgetRecord(
                d.now - EngineDriver.RETENTION, EngineDriver.MAX_RETAINED_LOGGED, new Xid(4, 2)));
  }

  @Test
  void the_forget_never_reaches_a_transaction_that_may_still_get_a_commit_point() {
    Xid active = d.active(TWO_PHASE, 1); // 4-1: its commit point may come later
    committedAndCompleted(); // 4-2

    d.advance(INTERVAL);

    assertThat(((ForgetRecord) d.proposal(ForgetRecord.class).record()).onlyBelow())
        .isEqualTo(active);
  }

  @Test
  void the_count_bound_comes_from_the_configuration_and_zero_means_none() {
    EngineDriver unbounded =
        new EngineDriver(EngineDriver.config(100, 100, 100).withMaxRetainedLogged(0)).lead(4);
    unbounded.log.apply(new DecisionRecord(new Xid(3, 1), List.of(), 1, "n", 1));

    unbounded.advance(INTERVAL);

    assertThat(((ForgetRecord) unbounded.proposal(ForgetRecord.class).record()).keepAtMost())
        .isZero();
  }

  @Test
  void once_the_log_is_empty_again_forgets_stop() {
    committedAndCompleted();
    d.advance(EngineDriver.RETENTION + 1); // completed before now - retention
    Propose last = d.proposal(ForgetRecord.class);
    d.durable(last);
    assertThat(d.log.size()).as("the Forget removed the only transaction").isZero();
    int proposed = forgets().size();

    for (int i = 0; i < 10; i++) {
      d.advance(INTERVAL);
    }

    assertThat(forgets()).hasSize(proposed);
  }
}
