package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.zabtx.coordinator.api.CoordinatorApi;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.ListTransactionsRequest;
import io.zabtx.protocol.v1.RollbackRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Begin, commit, roll back and read global transactions. Every handler checks its input, calls
 * {@link CoordinatorApi} and returns its future mapped to JSON: no servlet thread waits for the
 * cluster. Errors are turned into problems by {@link RestExceptionHandler}.
 */
@RestController
@RequestMapping("/api/v1/transactions")
@Tag(name = "transactions", description = "Global transactions (2PC and 3PC)")
@ProblemResponses
class TransactionController {

  private final CoordinatorApi coordinator;

  TransactionController(CoordinatorApi coordinator) {
    this.coordinator = coordinator;
  }

  @PostMapping
  @Operation(
      summary = "Begin a transaction",
      description = "Only the leader mints xids; a follower forwards the request.")
  @ApiResponse(
      responseCode = "201",
      description = "Begun; Location is the transaction's URL",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = BeginResult.class)))
  @ApiResponse(
      responseCode = "413",
      description = "Body over 16 KiB (code INVALID_ARGUMENT)",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class)))
  @ApiResponse(
      responseCode = "415",
      description = "Content-Type is not application/json (code INVALID_ARGUMENT)",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class)))
  CompletableFuture<ResponseEntity<BeginResult>> begin(
      @RequestBody BeginBody body, HttpServletRequest http) {
    String base = http.getContextPath() + "/api/v1/transactions/";
    return coordinator
        .begin(body.toRequest())
        .thenApply(
            began ->
                ResponseEntity.created(URI.create(base + began.getXid()))
                    .body(BeginResult.from(began)));
  }

  @PostMapping("/{xid}/commit")
  @Operation(
      summary = "Commit a transaction",
      description =
          "Runs phase 1 and, if every branch votes YES, logs the commit point. Answers once the"
              + " outcome is quorum-durable (COMMITTING) or, with wait=completion, once every"
              + " branch acknowledged (COMMITTED). Idempotent.")
  @ApiResponse(
      responseCode = "200",
      description = "Committed or committing",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = OutcomeResult.class)))
  @ApiResponse(
      responseCode = "410",
      description = "NO_LONGER_RETAINED: finished longer ago than the retention period",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class)))
  @ApiResponse(
      responseCode = "409",
      description = "TX_ABORTED: the transaction is, or just became, aborted",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class)))
  CompletableFuture<OutcomeResult> commit(
      @PathVariable String xid,
      @Parameter(description = "completion: answer once every branch acknowledged phase 2")
          @RequestParam(required = false)
          String wait) {
    CommitRequest request =
        CommitRequest.newBuilder()
            .setXid(RequestInputs.xid(xid))
            .setWaitForCompletion(RequestInputs.waitForCompletion(wait))
            .build();
    return coordinator.commit(request).thenApply(OutcomeResult::from);
  }

  @PostMapping("/{xid}/rollback")
  @Operation(summary = "Roll back a transaction that is not committed", description = "Idempotent.")
  @ApiResponse(
      responseCode = "200",
      description = "Aborting or aborted",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = OutcomeResult.class)))
  @ApiResponse(
      responseCode = "410",
      description = "NO_LONGER_RETAINED: finished longer ago than the retention period",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class)))
  @ApiResponse(
      responseCode = "409",
      description = "TX_COMMITTED: the transaction is committed",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class)))
  CompletableFuture<OutcomeResult> rollback(@PathVariable String xid) {
    RollbackRequest request = RollbackRequest.newBuilder().setXid(RequestInputs.xid(xid)).build();
    return coordinator.rollback(request).thenApply(OutcomeResult::from);
  }

  @GetMapping("/{xid}")
  @Operation(summary = "A transaction's status, branches and timeline")
  @ApiResponse(
      responseCode = "200",
      description = "The transaction",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = TransactionJson.class)))
  @ApiResponse(
      responseCode = "410",
      description = "NO_LONGER_RETAINED: finished longer ago than the retention period",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemJson.class)))
  CompletableFuture<TransactionJson> get(@PathVariable String xid) {
    GetTransactionRequest request =
        GetTransactionRequest.newBuilder().setXid(RequestInputs.xid(xid)).build();
    return coordinator.getTransaction(request).thenApply(TransactionJson::from);
  }

  @GetMapping
  @Operation(summary = "Transactions the cluster still holds, newest xid first")
  @ApiResponse(
      responseCode = "200",
      description = "One page",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = TransactionPage.class)))
  CompletableFuture<TransactionPage> list(
      @Parameter(description = "A TransactionStatus name, e.g. COMMITTING; absent for all")
          @RequestParam(required = false)
          String status,
      @Parameter(description = "0-based page") @RequestParam(defaultValue = "0") int page,
      @Parameter(description = "1 to 500")
          @RequestParam(defaultValue = "" + RequestInputs.DEFAULT_PAGE_SIZE)
          int size) {
    ListTransactionsRequest request =
        ListTransactionsRequest.newBuilder()
            .setStatus(RequestInputs.statusFilter(status))
            .setPage(RequestInputs.page(page))
            .setPageSize(RequestInputs.size(size))
            .build();
    return coordinator.listTransactions(request).thenApply(TransactionPage::from);
  }
}
