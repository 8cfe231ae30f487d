package io.zabtx.coordinator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.zabtx.coordinator.engine.Answer.Begun;
import io.zabtx.coordinator.engine.Answer.Registered;
import io.zabtx.coordinator.engine.Command.Propose;
import io.zabtx.coordinator.engine.Command.Reply;
import io.zabtx.coordinator.engine.Command.Send;
import io.zabtx.coordinator.model.BranchStatus;
import io.zabtx.coordinator.model.LogRecord;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.Vote;
import io.zabtx.coordinator.model.Xid;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives one {@link TxEngine} synchronously with a manual clock and a {@link FakeLog}; records
 * every command. {@link #last} holds what the latest call emitted, {@link #all} everything.
 */
final class EngineDriver {

  static final long T0 = 1_000_000;
  static final long DEFAULT_TIMEOUT = 10_000;
  static final long VOTE_TIMEOUT = 1_000;
  static final long RETRY_MIN = 100;
  static final long RETRY_MAX = 800;
  static final int ABORT_ATTEMPTS = 3;
  static final int MAX_BRANCHES = 4;
  static final long RETENTION = 60_000;
  static final long OVERLOAD_RETRY = 200;
  static final int MAX_RETAINED_LOGGED = 1_000;

  /** Small limits so that tests reach them. */
  static EngineConfig config(int maxInFlight, int maxBacklog, int maxRetained) {
    return new EngineConfig(
        DEFAULT_TIMEOUT,
        60_000,
        VOTE_TIMEOUT,
        500,
        RETRY_MIN,
        RETRY_MAX,
        ABORT_ATTEMPTS,
        maxInFlight,
        MAX_BRANCHES,
        maxBacklog,
        3,
        50,
        RETENTION,
        maxRetained,
        OVERLOAD_RETRY,
        MAX_RETAINED_LOGGED);
  }

  final FakeLog log;
  final TxEngine engine;
  final List<Command> all = new ArrayList<>();
  List<Command> last = List.of();
  long now = T0;
  private long nextRequestId = 1;
  private final Effects out = new Effects();

  EngineDriver() {
    this(config(100, 100, 100));
  }

  EngineDriver(EngineConfig config) {
    this(config, new FakeLog());
  }

  EngineDriver(EngineConfig config, FakeLog log) {
    this.log = log;
    this.engine = new TxEngine(config, log);
  }

  /** Becomes leader of {@code epoch} with what the log holds. */
  EngineDriver lead(long epoch) {
    engine.becomeLeader(epoch, log.unfinished(), now, out);
    return collect();
  }

  EngineDriver stepDown() {
    engine.stepDown(now, out);
    return collect();
  }

  /** Advances the clock and ticks. */
  EngineDriver advance(long millis) {
    now += millis;
    engine.tick(now, out);
    return collect();
  }

  // ---- requests: each returns its request id ----

  long beginRequest(TxProtocol p, long timeout, String name) {
    long id = nextRequestId++;
    engine.begin(id, p, timeout, name, now, out);
    collect();
    return id;
  }

  Xid begin(TxProtocol p) {
    Answer a = answer(beginRequest(p, 0, "t"));
    assertThat(a).isInstanceOf(Begun.class);
    return ((Begun) a).xid();
  }

  long registerRequest(Xid xid, String endpoint, String resource) {
    long id = nextRequestId++;
    engine.registerBranch(id, xid, endpoint, resource, now, out);
    collect();
    return id;
  }

  int register(Xid xid, int n) {
    Answer a = answer(registerRequest(xid, "p" + n + ":9000", "db" + n));
    assertThat(a).isInstanceOf(Registered.class);
    return ((Registered) a).branchId();
  }

  /** Begins a transaction with {@code branches} branches 1..n. */
  Xid active(TxProtocol p, int branches) {
    Xid xid = begin(p);
    for (int i = 1; i <= branches; i++) {
      assertThat(register(xid, i)).isEqualTo(i);
    }
    return xid;
  }

  long commit(Xid xid) {
    return commit(xid, false);
  }

  long commit(Xid xid, boolean wait) {
    long id = nextRequestId++;
    engine.commit(id, xid, wait, now, out);
    collect();
    return id;
  }

  long rollback(Xid xid) {
    long id = nextRequestId++;
    engine.rollback(id, xid, now, out);
    collect();
    return id;
  }

  Answer query(Xid xid) {
    long id = nextRequestId++;
    engine.queryOutcome(id, xid, now, out);
    collect();
    return answer(id);
  }

  long reportHeuristic(Xid xid, int branch, io.zabtx.coordinator.model.HeuristicKind kind) {
    long id = nextRequestId++;
    engine.reportHeuristic(id, xid, branch, kind, "found so", now, out);
    collect();
    return id;
  }

  // ---- results ----

  EngineDriver vote(Xid xid, int branch, Vote v) {
    engine.voteReceived(xid, branch, v, v == Vote.NO ? "insufficient funds" : "", now, out);
    return collect();
  }

  /** Every branch 1..n votes YES. */
  EngineDriver allYes(Xid xid, int n) {
    for (int i = 1; i <= n; i++) {
      vote(xid, i, Vote.YES);
    }
    return this;
  }

  EngineDriver ack(Xid xid, int branch, Phase phase) {
    return ack(xid, branch, phase, null);
  }

  EngineDriver ack(Xid xid, int branch, Phase phase, BranchStatus reported) {
    engine.ackReceived(xid, branch, phase, reported, now, out);
    return collect();
  }

  EngineDriver ackAll(Xid xid, int n, Phase phase) {
    for (int i = 1; i <= n; i++) {
      ack(xid, i, phase);
    }
    return this;
  }

  EngineDriver fail(Xid xid, int branch, Phase phase) {
    engine.deliveryFailed(xid, branch, phase, "connection refused", now, out);
    return collect();
  }

  /** Applies the proposal to the log (as the runtime does before reporting) and reports it. */
  EngineDriver durable(Propose p) {
    log.apply(p.record());
    engine.recordDurable(p.proposalId(), now, out);
    return collect();
  }

  EngineDriver recordFailed(Propose p, boolean mayBeLogged) {
    engine.recordFailed(p.proposalId(), mayBeLogged, "test", now, out);
    return collect();
  }

  // ---- what came out ----

  /** The only answer to {@code requestId} so far, or null. */
  Answer answer(long requestId) {
    List<Answer> as =
        all.stream()
            .filter(c -> c instanceof Reply r && r.requestId() == requestId)
            .map(c -> ((Reply) c).answer())
            .toList();
    assertThat(as).as("answers to request %d", requestId).hasSizeLessThanOrEqualTo(1);
    return as.isEmpty() ? null : as.get(0);
  }

  List<Send> sends() {
    return last.stream().filter(Send.class::isInstance).map(Send.class::cast).toList();
  }

  List<Send> sends(Phase phase) {
    return sends().stream().filter(s -> s.phase() == phase).toList();
  }

  List<Send> allSends(Xid xid, Phase phase) {
    return all.stream()
        .filter(c -> c instanceof Send s && s.xid().equals(xid) && s.phase() == phase)
        .map(Send.class::cast)
        .toList();
  }

  List<Propose> proposals() {
    return last.stream().filter(Propose.class::isInstance).map(Propose.class::cast).toList();
  }

  /** The only proposal of the last call whose record is a {@code type}. */
  Propose proposal(Class<? extends LogRecord> type) {
    List<Propose> ps = proposals().stream().filter(p -> type.isInstance(p.record())).toList();
    assertThat(ps).as("proposals of %s", type.getSimpleName()).hasSize(1);
    return ps.get(0);
  }

  TxStatus status(Xid xid) {
    return engine.view(xid).status();
  }

  private EngineDriver collect() {
    last = List.copyOf(out.commands());
    all.addAll(last);
    out.clear();
    return this;
  }
}
