package io.zabtx.coordinator.api;

import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.BeginResponse;
import io.zabtx.protocol.v1.Cluster;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.CommitResponse;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.ListTransactionsRequest;
import io.zabtx.protocol.v1.ListTransactionsResponse;
import io.zabtx.protocol.v1.QueryOutcomeRequest;
import io.zabtx.protocol.v1.QueryOutcomeResponse;
import io.zabtx.protocol.v1.RegisterBranchRequest;
import io.zabtx.protocol.v1.RegisterBranchResponse;
import io.zabtx.protocol.v1.ReportHeuristicRequest;
import io.zabtx.protocol.v1.ReportHeuristicResponse;
import io.zabtx.protocol.v1.RollbackRequest;
import io.zabtx.protocol.v1.RollbackResponse;
import io.zabtx.protocol.v1.Transaction;
import java.util.concurrent.CompletableFuture;

/**
 * Everything a coordinator node offers to clients and participants, in the wire contract's terms
 * ({@code zabtx.v1}). The gRPC services and the REST controllers are thin adapters over it. Any
 * node serves every call: a follower answers from its own decision log what it can and forwards the
 * rest to the leader.
 *
 * <p>Futures fail with {@link io.zabtx.coordinator.model.TxException} (a stable code and a message
 * for the user); they never block the calling thread and complete on an internal thread, so callers
 * must not run long work in callbacks.
 */
public interface CoordinatorApi {

  CompletableFuture<BeginResponse> begin(BeginRequest request);

  CompletableFuture<CommitResponse> commit(CommitRequest request);

  CompletableFuture<RollbackResponse> rollback(RollbackRequest request);

  CompletableFuture<Transaction> getTransaction(GetTransactionRequest request);

  CompletableFuture<ListTransactionsResponse> listTransactions(ListTransactionsRequest request);

  CompletableFuture<Cluster> getCluster();

  CompletableFuture<RegisterBranchResponse> registerBranch(RegisterBranchRequest request);

  CompletableFuture<QueryOutcomeResponse> queryOutcome(QueryOutcomeRequest request);

  CompletableFuture<ReportHeuristicResponse> reportHeuristic(ReportHeuristicRequest request);
}
