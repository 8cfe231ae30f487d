package io.zabtx.coordinator.api.grpc;

import io.grpc.stub.StreamObserver;
import io.zabtx.coordinator.api.CoordinatorApi;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.BeginResponse;
import io.zabtx.protocol.v1.Cluster;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.CommitResponse;
import io.zabtx.protocol.v1.GetClusterRequest;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.ListTransactionsRequest;
import io.zabtx.protocol.v1.ListTransactionsResponse;
import io.zabtx.protocol.v1.RollbackRequest;
import io.zabtx.protocol.v1.RollbackResponse;
import io.zabtx.protocol.v1.Transaction;
import io.zabtx.protocol.v1.TransactionServiceGrpc;
import java.util.concurrent.CompletableFuture;

/** The client API over gRPC: a thin adapter over {@link CoordinatorApi}. Never blocks. */
public final class TransactionGrpcService
    extends TransactionServiceGrpc.TransactionServiceImplBase {

  private final CoordinatorApi api;

  public TransactionGrpcService(CoordinatorApi api) {
    this.api = api;
  }

  @Override
  public void begin(BeginRequest request, StreamObserver<BeginResponse> out) {
    reply(api.begin(request), out);
  }

  @Override
  public void commit(CommitRequest request, StreamObserver<CommitResponse> out) {
    reply(api.commit(request), out);
  }

  @Override
  public void rollback(RollbackRequest request, StreamObserver<RollbackResponse> out) {
    reply(api.rollback(request), out);
  }

  @Override
  public void getTransaction(GetTransactionRequest request, StreamObserver<Transaction> out) {
    reply(api.getTransaction(request), out);
  }

  @Override
  public void listTransactions(
      ListTransactionsRequest request, StreamObserver<ListTransactionsResponse> out) {
    reply(api.listTransactions(request), out);
  }

  @Override
  public void getCluster(GetClusterRequest request, StreamObserver<Cluster> out) {
    reply(api.getCluster(), out);
  }

  /** Completes a unary call from a future: its value, or its failure as a status. */
  static <T> void reply(CompletableFuture<T> future, StreamObserver<T> out) {
    future.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            out.onError(GrpcErrors.toStatus(failure));
          } else {
            out.onNext(value);
            out.onCompleted();
          }
        });
  }
}
