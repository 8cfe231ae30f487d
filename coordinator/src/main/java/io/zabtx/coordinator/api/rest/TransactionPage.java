package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.media.Schema;
import io.zabtx.protocol.v1.ListTransactionsResponse;
import java.util.List;

/** The reply to {@code GET /api/v1/transactions}. */
@Schema(description = "One page of transactions, newest xid first.")
record TransactionPage(
    List<TransactionJson> transactions,
    @Schema(description = "0-based") int page,
    int size,
    @Schema(description = "How many match in all") long total) {

  static TransactionPage from(ListTransactionsResponse response) {
    return new TransactionPage(
        response.getTransactionsList().stream().map(TransactionJson::from).toList(),
        response.getPage(),
        response.getPageSize(),
        response.getTotal());
  }
}
