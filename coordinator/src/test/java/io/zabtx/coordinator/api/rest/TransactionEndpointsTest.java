package io.zabtx.coordinator.api.rest;

import static io.zabtx.coordinator.api.rest.AsyncMvc.perform;
import static java.util.concurrent.CompletableFuture.completedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.zabtx.coordinator.api.CoordinatorApi;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.BeginResponse;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.CommitResponse;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.ListTransactionsRequest;
import io.zabtx.protocol.v1.ListTransactionsResponse;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.RollbackRequest;
import io.zabtx.protocol.v1.RollbackResponse;
import io.zabtx.protocol.v1.Transaction;
import io.zabtx.protocol.v1.TransactionStatus;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** Each endpoint's happy path: the request sent to the coordinator, the status and exact JSON. */
@WebMvcTest(controllers = {TransactionController.class, ClusterController.class})
class TransactionEndpointsTest {

  @Autowired MockMvc mvc;

  @MockitoBean CoordinatorApi coordinator;

  @Test
  void beginAnswers201WithLocationAndDeadlineAsyncOnly() throws Exception {
    when(coordinator.begin(any()))
        .thenReturn(
            completedFuture(
                BeginResponse.newBuilder()
                    .setXid("3-1042")
                    .setProtocol(Protocol.TWO_PHASE)
                    .setDeadlineUnixMs(Fixtures.T0 + 123)
                    .build()));

    MvcResult started =
        mvc.perform(
                post("/api/v1/transactions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(
                        "{\"protocol\": \"2pc\", \"timeoutMs\": 30000, \"name\": \"transfer\"}"))
            .andExpect(request().asyncStarted())
            .andReturn();
    mvc.perform(asyncDispatch(started))
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/transactions/3-1042"))
        .andExpect(content().contentType(MediaType.APPLICATION_JSON))
        .andExpect(
            content()
                .json(
                    """
                    {"xid": "3-1042", "protocol": "2PC",
                     "deadline": "2023-11-14T22:13:20.123Z", "deadlineUnixMs": 1700000000123}
                    """,
                    JsonCompareMode.STRICT));
    verify(coordinator)
        .begin(
            BeginRequest.newBuilder()
                .setProtocol(Protocol.TWO_PHASE)
                .setTimeoutMs(30_000)
                .setName("transfer")
                .build());
  }

  @Test
  void beginWithOnlyAProtocolLeavesTimeoutAndNameToTheServer() throws Exception {
    when(coordinator.begin(any()))
        .thenReturn(
            completedFuture(
                BeginResponse.newBuilder()
                    .setXid("1-1")
                    .setProtocol(Protocol.THREE_PHASE)
                    .setDeadlineUnixMs(Fixtures.T0)
                    .build()));

    perform(
            mvc,
            post("/api/v1/transactions")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"protocol\": \"THREE_PHASE\"}"))
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/transactions/1-1"))
        .andExpect(
            content()
                .json(
                    """
                    {"xid": "1-1", "protocol": "3PC", "deadline": "2023-11-14T22:13:20Z",
                     "deadlineUnixMs": 1700000000000}
                    """,
                    JsonCompareMode.STRICT));
    verify(coordinator)
        .begin(BeginRequest.newBuilder().setProtocol(Protocol.THREE_PHASE).setTimeoutMs(0).build());
  }

  @Test
  void commitAnswersStatusAndOutcome() throws Exception {
    when(coordinator.commit(any()))
        .thenReturn(
            completedFuture(
                CommitResponse.newBuilder()
                    .setXid("3-1042")
                    .setStatus(TransactionStatus.COMMITTING)
                    .build()));

    perform(mvc, post("/api/v1/transactions/3-1042/commit"))
        .andExpect(status().isOk())
        .andExpect(
            content()
                .json(
                    "{\"xid\": \"3-1042\", \"status\": \"COMMITTING\", \"outcome\": \"COMMIT\"}",
                    JsonCompareMode.STRICT));
    verify(coordinator).commit(CommitRequest.newBuilder().setXid("3-1042").build());
  }

  @Test
  void commitWithWaitForCompletionAsksForIt() throws Exception {
    when(coordinator.commit(any()))
        .thenReturn(
            completedFuture(
                CommitResponse.newBuilder()
                    .setXid("3-1042")
                    .setStatus(TransactionStatus.COMMITTED)
                    .build()));

    perform(mvc, post("/api/v1/transactions/3-1042/commit").param("wait", "completion"))
        .andExpect(status().isOk())
        .andExpect(
            content()
                .json(
                    "{\"xid\": \"3-1042\", \"status\": \"COMMITTED\", \"outcome\": \"COMMIT\"}",
                    JsonCompareMode.STRICT));
    verify(coordinator)
        .commit(CommitRequest.newBuilder().setXid("3-1042").setWaitForCompletion(true).build());
  }

  @Test
  void rollbackAnswersStatusAndOutcome() throws Exception {
    when(coordinator.rollback(any()))
        .thenReturn(
            completedFuture(
                RollbackResponse.newBuilder()
                    .setXid("3-1042")
                    .setStatus(TransactionStatus.ABORTING)
                    .build()));

    perform(mvc, post("/api/v1/transactions/3-1042/rollback"))
        .andExpect(status().isOk())
        .andExpect(
            content()
                .json(
                    "{\"xid\": \"3-1042\", \"status\": \"ABORTING\", \"outcome\": \"ABORT\"}",
                    JsonCompareMode.STRICT));
    verify(coordinator).rollback(RollbackRequest.newBuilder().setXid("3-1042").build());
  }

  @Test
  void getShowsBranchesAndTimeline() throws Exception {
    when(coordinator.getTransaction(any())).thenReturn(completedFuture(Fixtures.committing()));

    perform(mvc, get("/api/v1/transactions/3-1042"))
        .andExpect(status().isOk())
        .andExpect(content().json(Fixtures.COMMITTING_JSON, JsonCompareMode.STRICT));
    verify(coordinator).getTransaction(GetTransactionRequest.newBuilder().setXid("3-1042").build());
  }

  @Test
  void listDefaultsToEveryStatusFirstPageOf50() throws Exception {
    when(coordinator.listTransactions(any()))
        .thenReturn(
            completedFuture(
                ListTransactionsResponse.newBuilder()
                    .addTransactions(Fixtures.committing())
                    .addTransactions(Fixtures.aborted())
                    .setPage(0)
                    .setPageSize(50)
                    .setTotal(2)
                    .build()));

    perform(mvc, get("/api/v1/transactions"))
        .andExpect(status().isOk())
        .andExpect(
            content()
                .json(
                    "{\"transactions\": ["
                        + Fixtures.COMMITTING_JSON
                        + ","
                        + Fixtures.ABORTED_JSON
                        + "], \"page\": 0, \"size\": 50, \"total\": 2}",
                    JsonCompareMode.STRICT));
    verify(coordinator)
        .listTransactions(
            ListTransactionsRequest.newBuilder()
                .setStatus(TransactionStatus.STATUS_UNSPECIFIED)
                .setPage(0)
                .setPageSize(50)
                .build());
  }

  @Test
  void listPassesStatusPageAndSize() throws Exception {
    when(coordinator.listTransactions(any()))
        .thenReturn(
            completedFuture(
                ListTransactionsResponse.newBuilder()
                    .setPage(3)
                    .setPageSize(500)
                    .setTotal(7)
                    .build()));

    perform(
            mvc,
            get("/api/v1/transactions")
                .param("status", "committing")
                .param("page", "3")
                .param("size", "500"))
        .andExpect(status().isOk())
        .andExpect(
            content()
                .json(
                    "{\"transactions\": [], \"page\": 3, \"size\": 500, \"total\": 7}",
                    JsonCompareMode.STRICT));
    verify(coordinator)
        .listTransactions(
            ListTransactionsRequest.newBuilder()
                .setStatus(TransactionStatus.COMMITTING)
                .setPage(3)
                .setPageSize(500)
                .build());
  }

  @Test
  void aRequestWaitsForAFutureCompletedLaterWithoutHoldingTheServletThread() throws Exception {
    CompletableFuture<Transaction> answer = new CompletableFuture<>();
    when(coordinator.getTransaction(any())).thenReturn(answer);

    // perform returns while the future is pending: the servlet thread did not wait for it.
    MvcResult started =
        mvc.perform(get("/api/v1/transactions/3-1042"))
            .andExpect(request().asyncStarted())
            .andReturn();
    assertThat(started.getResponse().isCommitted()).isFalse();

    CompletableFuture.runAsync(() -> answer.complete(Fixtures.aborted()));
    mvc.perform(asyncDispatch(started))
        .andExpect(status().isOk())
        .andExpect(content().json(Fixtures.ABORTED_JSON, JsonCompareMode.STRICT));
  }
}
