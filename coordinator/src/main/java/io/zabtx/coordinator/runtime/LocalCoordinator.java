package io.zabtx.coordinator.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zabtx.coordinator.api.CoordinatorApi;
import io.zabtx.coordinator.api.ProtoMapping;
import io.zabtx.coordinator.api.grpc.ForwardedCall;
import io.zabtx.coordinator.config.ClusterLayout;
import io.zabtx.coordinator.config.Member;
import io.zabtx.coordinator.engine.Answer;
import io.zabtx.coordinator.log.DecisionLog;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.HeuristicKind;
import io.zabtx.coordinator.model.LoggedTx;
import io.zabtx.coordinator.model.Outcome;
import io.zabtx.coordinator.model.TxException;
import io.zabtx.coordinator.model.TxProtocol;
import io.zabtx.coordinator.model.TxStatus;
import io.zabtx.coordinator.model.TxView;
import io.zabtx.coordinator.model.Xid;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.BeginResponse;
import io.zabtx.protocol.v1.Cluster;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.CommitResponse;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.ListTransactionsRequest;
import io.zabtx.protocol.v1.ListTransactionsResponse;
import io.zabtx.protocol.v1.Node;
import io.zabtx.protocol.v1.QueryOutcomeRequest;
import io.zabtx.protocol.v1.QueryOutcomeResponse;
import io.zabtx.protocol.v1.RegisterBranchRequest;
import io.zabtx.protocol.v1.RegisterBranchResponse;
import io.zabtx.protocol.v1.ReportHeuristicRequest;
import io.zabtx.protocol.v1.ReportHeuristicResponse;
import io.zabtx.protocol.v1.RollbackRequest;
import io.zabtx.protocol.v1.RollbackResponse;
import io.zabtx.protocol.v1.Transaction;
import io.zabtx.replication.core.Role;
import io.zabtx.replication.runtime.ZabNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * This node's implementation of {@link CoordinatorApi}: validates input, runs what only the leader
 * may do on the local engine when this node leads and forwards it to the leader otherwise, and
 * answers from the local decision log whatever a logged commit point settles (a decision never
 * changes, so any node may answer it).
 */
public final class LocalCoordinator implements CoordinatorApi, AutoCloseable {

  static final int MAX_NAME_CHARS = 256;
  static final int MAX_FIELD_CHARS = 255;
  static final int MAX_PAGE_SIZE = 500;

  private final TxRuntime runtime;
  private final DecisionLog log;
  private final ZabNode node;
  private final ClusterLayout layout;
  private final LeaderForwarder forwarder;
  private final Timer commitLatency;

  /**
   * @param registry where {@code zabtx.tx.commit.latency} is registered: the time from a commit
   *     request's arrival at this node to its successful answer (forwarding included)
   */
  public LocalCoordinator(
      TxRuntime runtime,
      DecisionLog log,
      ZabNode node,
      ClusterLayout layout,
      java.time.Duration forwardTimeout,
      MeterRegistry registry) {
    this.runtime = runtime;
    this.log = log;
    this.node = node;
    this.layout = layout;
    this.forwarder = new LeaderForwarder(layout.members(), forwardTimeout);
    this.commitLatency =
        Timer.builder("zabtx.tx.commit.latency")
            .description("commit request to answer (commit point durable, or phase 2 done)")
            .publishPercentileHistogram()
            .register(registry);
  }

  // ---- client API ----

  @Override
  public CompletableFuture<BeginResponse> begin(BeginRequest r) {
    TxProtocol protocol;
    try {
      protocol = ProtoMapping.fromProto(r.getProtocol());
    } catch (IllegalArgumentException e) {
      return invalid(e.getMessage());
    }
    if (r.getTimeoutMs() < 0) {
      return invalid("timeout_ms must be 0 (the default) or positive, got " + r.getTimeoutMs());
    }
    if (r.getName().length() > MAX_NAME_CHARS) {
      return invalid("name is longer than " + MAX_NAME_CHARS + " characters");
    }
    return atLeader(
        (e, id, now, out) -> e.begin(id, protocol, r.getTimeoutMs(), r.getName(), now, out),
        a -> {
          Answer.Begun b = (Answer.Begun) a;
          return BeginResponse.newBuilder()
              .setXid(b.xid().toString())
              .setProtocol(ProtoMapping.toProto(b.protocol()))
              .setDeadlineUnixMs(b.deadlineMillis())
              .build();
        },
        leader -> forwarder.tx(leader, false, s -> s.begin(r)));
  }

  @Override
  public CompletableFuture<CommitResponse> commit(CommitRequest r) {
    return validated(
        () -> {
          Xid xid = xidOf(r.getXid());
          LoggedTx logged = log.find(xid);
          if (logged != null
              && logged.hasCommitPoint()
              && !r.getWaitForCompletion()
              && (logged.completed() || !runtime.isLeader())) {
            // Decided: any node may answer, and the outcome never changes. The leader's engine
            // knows that phase 2 finished before the batched Completed record is logged, so it
            // answers itself.
            return CompletableFuture.completedFuture(commitResponse(xid, logged.status()));
          }
          long started = System.nanoTime();
          return atLeader(
                  (e, id, now, out) -> e.commit(id, xid, r.getWaitForCompletion(), now, out),
                  a -> commitResponse(xid, ((Answer.Status) a).status()),
                  leader -> forwarder.tx(leader, true, s -> s.commit(r)))
              .whenComplete(
                  (ok, failure) -> {
                    if (failure == null) {
                      commitLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    }
                  });
        });
  }

  @Override
  public CompletableFuture<RollbackResponse> rollback(RollbackRequest r) {
    return validated(
        () -> {
          Xid xid = xidOf(r.getXid());
          LoggedTx logged = log.find(xid);
          if (logged != null && logged.hasCommitPoint()) {
            return CompletableFuture.failedFuture(
                new TxException(
                    ErrorCode.TX_COMMITTED,
                    "transaction "
                        + xid
                        + " is committed (its commit point is logged); it cannot be"
                        + " rolled back"));
          }
          return atLeader(
              (e, id, now, out) -> e.rollback(id, xid, now, out),
              a ->
                  RollbackResponse.newBuilder()
                      .setXid(xid.toString())
                      .setStatus(ProtoMapping.toProto(((Answer.Status) a).status()))
                      .build(),
              leader -> forwarder.tx(leader, true, s -> s.rollback(r)));
        });
  }

  @Override
  public CompletableFuture<Transaction> getTransaction(GetTransactionRequest r) {
    return validated(
        () -> {
          Xid xid = xidOf(r.getXid());
          LoggedTx logged = log.find(xid);
          if (!runtime.isLeader()) {
            if (logged != null && logged.hasCommitPoint()) {
              return CompletableFuture.completedFuture(
                  ProtoMapping.toProto(TxView.fromLog(logged), sid()));
            }
            return forwardOr(leader -> forwarder.tx(leader, false, s -> s.getTransaction(r)));
          }
          return runtime
              .query(e -> e.view(xid))
              .thenCompose(
                  view -> {
                    if (view != null) {
                      return CompletableFuture.completedFuture(ProtoMapping.toProto(view, sid()));
                    }
                    LoggedTx again = log.find(xid);
                    if (again != null) {
                      return CompletableFuture.completedFuture(
                          ProtoMapping.toProto(TxView.fromLog(again), sid()));
                    }
                    // Not held anywhere: the engine's presumption rules say ABORTED, gone or
                    // unknown.
                    return atLeader(
                        (e, id, now, out) -> e.queryOutcome(id, xid, now, out),
                        a ->
                            ProtoMapping.toProto(
                                new TxView(
                                    xid,
                                    null,
                                    ((Answer.Status) a).status(),
                                    ((Answer.Status) a).outcome(),
                                    "",
                                    0,
                                    0,
                                    List.of(),
                                    List.of(),
                                    "no commit point was logged (presumed abort)"),
                                sid()),
                        leader -> forwarder.tx(leader, false, s -> s.getTransaction(r)));
                  });
        });
  }

  @Override
  public CompletableFuture<ListTransactionsResponse> listTransactions(ListTransactionsRequest r) {
    int page = r.getPage();
    int size = r.getPageSize() == 0 ? 50 : r.getPageSize();
    if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
      return invalid("page must be ≥ 0 and page_size 1-" + MAX_PAGE_SIZE);
    }
    TxStatus status;
    try {
      status = r.getStatusValue() == 0 ? null : TxStatus.valueOf(r.getStatus().name());
    } catch (IllegalArgumentException e) {
      return invalid("unknown status " + r.getStatusValue());
    }
    if (!runtime.isLeader()) {
      return forwardOr(leader -> forwarder.tx(leader, false, s -> s.listTransactions(r)));
    }
    long want = (long) page * size + size;
    if (want > Integer.MAX_VALUE) {
      return invalid("page is too large");
    }
    return runtime
        .query(e -> e.list(status, 0, (int) want))
        .thenApply(
            held -> {
              // The engine's view wins (it is newer: e.g. COMMITTED before Completed is logged).
              Map<Xid, TxView> merged = new LinkedHashMap<>();
              held.forEach(v -> merged.put(v.xid(), v));
              for (LoggedTx t : log.list(status, 0, (int) want)) {
                merged.putIfAbsent(t.xid(), TxView.fromLog(t));
              }
              List<TxView> all = new ArrayList<>(merged.values());
              all.sort((a, b) -> b.xid().compareTo(a.xid()));
              long total =
                  log.count(status) + held.stream().filter(v -> log.find(v.xid()) == null).count();
              ListTransactionsResponse.Builder b =
                  ListTransactionsResponse.newBuilder()
                      .setPage(page)
                      .setPageSize(size)
                      .setTotal(Math.max(total, all.size()));
              all.stream()
                  .skip((long) page * size)
                  .limit(size)
                  .forEach(v -> b.addTransactions(ProtoMapping.toProto(v, sid())));
              return b.build();
            });
  }

  @Override
  public CompletableFuture<Cluster> getCluster() {
    long leader = leaderId();
    Cluster.Builder b =
        Cluster.newBuilder().setLeader(leader).setEpoch(node.currentEpoch()).setAnsweredBy(sid());
    for (Member m : layout.members().values()) {
      Node.Builder n =
          Node.newBuilder().setId(m.id()).setGrpcAddress(m.grpcAddress()).setHttpUrl(m.httpUrl());
      if (m.id() == sid()) {
        n.setRole(node.role().name())
            .setLastZxid(node.lastCommitted().toString())
            .setReachable(true);
      } else if (leader > 0) {
        // Known from the established epoch: the leader leads, the others follow it (or are down;
        // ZAB needs only a quorum).
        n.setRole(m.id() == leader ? Role.LEADING.name() : "FOLLOWING");
        n.setReachable(m.id() == leader);
      } else {
        n.setRole("UNKNOWN").setReachable(false);
      }
      b.addNodes(n);
    }
    return CompletableFuture.completedFuture(b.build());
  }

  // ---- participant API ----

  @Override
  public CompletableFuture<RegisterBranchResponse> registerBranch(RegisterBranchRequest r) {
    return validated(
        () -> {
          Xid xid = xidOf(r.getXid());
          String endpoint = r.getEndpoint().trim();
          String resource = r.getResource().trim();
          if (!validEndpoint(endpoint)) {
            return invalid(
                "endpoint '"
                    + abbreviate(endpoint)
                    + "' must be host:port of the participant's"
                    + " ParticipantService");
          }
          if (resource.isEmpty() || resource.length() > MAX_FIELD_CHARS) {
            return invalid("resource must be 1-" + MAX_FIELD_CHARS + " characters");
          }
          return atLeader(
              (e, id, now, out) -> e.registerBranch(id, xid, endpoint, resource, now, out),
              a -> {
                Answer.Registered reg = (Answer.Registered) a;
                return RegisterBranchResponse.newBuilder()
                    .setBranchId(reg.branchId())
                    .setProtocol(ProtoMapping.toProto(reg.protocol()))
                    .setDeadlineUnixMs(reg.deadlineMillis())
                    .build();
              },
              leader -> forwarder.participant(leader, false, s -> s.registerBranch(r)));
        });
  }

  @Override
  public CompletableFuture<QueryOutcomeResponse> queryOutcome(QueryOutcomeRequest r) {
    return validated(
        () -> {
          Xid xid = xidOf(r.getXid());
          LoggedTx logged = log.find(xid);
          if (logged != null && logged.hasCommitPoint()) {
            return CompletableFuture.completedFuture(
                outcome(xid, logged.status(), logged.outcome()));
          }
          return atLeader(
              (e, id, now, out) -> e.queryOutcome(id, xid, now, out),
              a -> outcome(xid, ((Answer.Status) a).status(), ((Answer.Status) a).outcome()),
              leader -> forwarder.participant(leader, false, s -> s.queryOutcome(r)));
        });
  }

  @Override
  public CompletableFuture<ReportHeuristicResponse> reportHeuristic(ReportHeuristicRequest r) {
    Xid xid;
    HeuristicKind kind;
    try {
      kind = ProtoMapping.fromProto(r.getOutcome());
      xid = Xid.parse(r.getXid());
    } catch (IllegalArgumentException e) {
      return invalid(e.getMessage());
    }
    if (r.getBranchId() <= 0) {
      return invalid("branch_id must be positive, got " + r.getBranchId());
    }
    String detail =
        r.getDetail().length() > 1024 ? r.getDetail().substring(0, 1024) : r.getDetail();
    return atLeader(
        (e, id, now, out) -> e.reportHeuristic(id, xid, r.getBranchId(), kind, detail, now, out),
        a -> {
          Answer.HeuristicRecorded h = (Answer.HeuristicRecorded) a;
          return ReportHeuristicResponse.newBuilder()
              .setDecided(ProtoMapping.toProto(h.decided()))
              .setMixed(h.mixed())
              .build();
        },
        leader -> forwarder.participant(leader, true, s -> s.reportHeuristic(r)));
  }

  // ---- plumbing ----

  /**
   * Runs {@code call} on the local engine if it leads, else forwards. An engine that answers
   * NOT_LEADER (it stepped down since) also leads to forwarding.
   */
  private <T> CompletableFuture<T> atLeader(
      TxRuntime.EngineCall call,
      Function<Answer, T> onAnswer,
      Function<Long, CompletableFuture<T>> forward) {
    boolean forwarded = ForwardedCall.isForwarded();
    if (!runtime.isLeader()) {
      return forwarded ? notLeaderHere() : forwardOr(forward);
    }
    return runtime
        .call(call)
        .thenCompose(
            a -> {
              if (a instanceof Answer.Failure f) {
                if (f.code() == ErrorCode.NOT_LEADER) {
                  return forwarded ? notLeaderHere() : forwardOr(forward);
                }
                return CompletableFuture.failedFuture(
                    new TxException(f.code(), f.message(), f.retryAfterMillis()));
              }
              return CompletableFuture.completedFuture(onAnswer.apply(a));
            });
  }

  private <T> CompletableFuture<T> forwardOr(Function<Long, CompletableFuture<T>> forward) {
    long leader = leaderId();
    if (leader <= 0 || leader == sid()) {
      return CompletableFuture.failedFuture(LeaderForwarder.noLeader(-1));
    }
    return forward.apply(leader);
  }

  private <T> CompletableFuture<T> notLeaderHere() {
    return CompletableFuture.failedFuture(
        new TxException(
            ErrorCode.NO_QUORUM,
            "node "
                + sid()
                + " received a forwarded call but is not the leader (an election is"
                + " under way); retry shortly",
            200));
  }

  /** The established leader's id as this node knows it, or -1. */
  private long leaderId() {
    Role role = node.role();
    if (role == Role.LOOKING) {
      return -1;
    }
    return node.leader();
  }

  private long sid() {
    return node.sid();
  }

  private static CommitResponse commitResponse(Xid xid, TxStatus status) {
    return CommitResponse.newBuilder()
        .setXid(xid.toString())
        .setStatus(ProtoMapping.toProto(status))
        .build();
  }

  private static QueryOutcomeResponse outcome(Xid xid, TxStatus status, Outcome outcome) {
    return QueryOutcomeResponse.newBuilder()
        .setXid(xid.toString())
        .setStatus(ProtoMapping.toProto(status))
        .setOutcome(ProtoMapping.toProto(outcome))
        .build();
  }

  static boolean validEndpoint(String endpoint) {
    if (endpoint.isEmpty() || endpoint.length() > MAX_FIELD_CHARS) {
      return false;
    }
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0 || colon == endpoint.length() - 1) {
      return false;
    }
    try {
      int port = Integer.parseInt(endpoint.substring(colon + 1));
      return port >= 1 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }

  /** Parses a client's xid; a malformed one is the client's mistake, said in its own words. */
  private static Xid xidOf(String text) {
    try {
      return Xid.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TxException(ErrorCode.INVALID_ARGUMENT, e.getMessage());
    }
  }

  /** Runs a request's handling; input it refuses with a TxException fails the future. */
  private static <T> CompletableFuture<T> validated(Supplier<CompletableFuture<T>> handling) {
    try {
      return handling.get();
    } catch (TxException refused) {
      return CompletableFuture.failedFuture(refused);
    }
  }

  private static <T> CompletableFuture<T> invalid(String message) {
    return CompletableFuture.failedFuture(new TxException(ErrorCode.INVALID_ARGUMENT, message));
  }

  @Override
  public void close() {
    forwarder.close();
  }
}
