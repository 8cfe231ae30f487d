package io.zabtx.coordinator.api.grpc;

import io.grpc.stub.StreamObserver;
import io.zabtx.coordinator.api.CoordinatorApi;
import io.zabtx.protocol.v1.CoordinatorServiceGrpc;
import io.zabtx.protocol.v1.QueryOutcomeRequest;
import io.zabtx.protocol.v1.QueryOutcomeResponse;
import io.zabtx.protocol.v1.RegisterBranchRequest;
import io.zabtx.protocol.v1.RegisterBranchResponse;
import io.zabtx.protocol.v1.ReportHeuristicRequest;
import io.zabtx.protocol.v1.ReportHeuristicResponse;

/** The participant → coordinator API over gRPC: a thin adapter over {@link CoordinatorApi}. */
public final class CoordinatorGrpcService
    extends CoordinatorServiceGrpc.CoordinatorServiceImplBase {

  private final CoordinatorApi api;

  public CoordinatorGrpcService(CoordinatorApi api) {
    this.api = api;
  }

  @Override
  public void registerBranch(
      RegisterBranchRequest request, StreamObserver<RegisterBranchResponse> out) {
    TransactionGrpcService.reply(api.registerBranch(request), out);
  }

  @Override
  public void queryOutcome(QueryOutcomeRequest request, StreamObserver<QueryOutcomeResponse> out) {
    TransactionGrpcService.reply(api.queryOutcome(request), out);
  }

  @Override
  public void reportHeuristic(
      ReportHeuristicRequest request, StreamObserver<ReportHeuristicResponse> out) {
    TransactionGrpcService.reply(api.reportHeuristic(request), out);
  }
}
