package io.zabtx.coordinator.api.rest;

import static io.zabtx.coordinator.api.rest.AsyncMvc.perform;
import static java.util.concurrent.CompletableFuture.failedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.zabtx.coordinator.api.CoordinatorApi;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.TxException;
import io.zabtx.protocol.v1.Cluster;
import io.zabtx.protocol.v1.CommitResponse;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** How the coordinator's failures become problems: status, code, Retry-After, unwrapping. */
@WebMvcTest(controllers = {TransactionController.class, ClusterController.class})
class ErrorMappingTest {

  @Autowired MockMvc mvc;

  @MockitoBean CoordinatorApi coordinator;

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void eachErrorCodeAnswersItsHttpStatus(ErrorCode code) throws Exception {
    when(coordinator.commit(any()))
        .thenReturn(failedFuture(new TxException(code, "what happened and what to do")));

    perform(mvc, post("/api/v1/transactions/3-1042/commit"))
        .andExpect(status().is(code.httpStatus()))
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value(code.name()))
        .andExpect(jsonPath("$.status").value(code.httpStatus()))
        .andExpect(jsonPath("$.detail").value("what happened and what to do"))
        .andExpect(jsonPath("$.title").value(Problems.title(code.name())))
        .andExpect(
            jsonPath("$.type").value("urn:zabtx:problem:" + code.name().toLowerCase(Locale.ROOT)))
        .andExpect(jsonPath("$.instance").value("/api/v1/transactions/3-1042/commit"))
        .andExpect(jsonPath("$.retryAfterMs").doesNotExist())
        .andExpect(header().doesNotExist("Retry-After"));
  }

  @ParameterizedTest
  @CsvSource({
    "OVERLOADED, 1500, 2",
    "OVERLOADED, 1, 1",
    "NO_QUORUM, 2000, 2",
    "NO_QUORUM, 2001, 3"
  })
  void aRetryHintBecomesRetryAfterInSecondsRoundedUp(ErrorCode code, long millis, String seconds)
      throws Exception {
    when(coordinator.begin(any()))
        .thenReturn(failedFuture(new TxException(code, "busy: retry later", millis)));

    perform(
            mvc,
            post("/api/v1/transactions")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"protocol\": \"2PC\"}"))
        .andExpect(status().is(code.httpStatus()))
        .andExpect(header().string("Retry-After", seconds))
        .andExpect(jsonPath("$.retryAfterMs").value(millis))
        .andExpect(jsonPath("$.code").value(code.name()));
  }

  @Test
  void aRetryHintOnAnotherCodeIsNotAdvertised() throws Exception {
    when(coordinator.rollback(any()))
        .thenReturn(failedFuture(new TxException(ErrorCode.OUTCOME_UNKNOWN, "ask again", 500)));

    perform(mvc, post("/api/v1/transactions/3-1042/rollback"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(header().doesNotExist("Retry-After"))
        .andExpect(jsonPath("$.retryAfterMs").doesNotExist());
  }

  @Test
  void wrappedFailuresAreUnwrapped() throws Exception {
    when(coordinator.getTransaction(any()))
        .thenReturn(
            failedFuture(
                new CompletionException(new TxException(ErrorCode.NOT_FOUND, "no such xid"))));
    perform(mvc, get("/api/v1/transactions/3-9"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.code").value("NOT_FOUND"))
        .andExpect(jsonPath("$.detail").value("no such xid"));

    when(coordinator.getTransaction(any()))
        .thenReturn(
            failedFuture(
                new ExecutionException(
                    new TxException(ErrorCode.NO_LONGER_RETAINED, "forgotten"))));
    perform(mvc, get("/api/v1/transactions/3-9"))
        .andExpect(status().isGone())
        .andExpect(jsonPath("$.code").value("NO_LONGER_RETAINED"));
  }

  @Test
  void aFailureArrivingLaterIsMappedToo() throws Exception {
    CompletableFuture<CommitResponse> answer = new CompletableFuture<>();
    when(coordinator.commit(any())).thenReturn(answer);

    MvcResult started =
        mvc.perform(post("/api/v1/transactions/3-1042/commit"))
            .andExpect(request().asyncStarted())
            .andReturn();
    assertThat(started.getResponse().isCommitted()).isFalse();
    CompletableFuture.runAsync(
        () -> answer.completeExceptionally(new TxException(ErrorCode.TX_ABORTED, "aborted")));

    mvc.perform(asyncDispatch(started))
        .andExpect(status().isConflict())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("TX_ABORTED"));
  }

  @Test
  void anUnexpectedFailureIs500InternalWithoutItsMessageOrTrace() throws Exception {
    when(coordinator.getCluster())
        .thenReturn(failedFuture(new IllegalStateException("secret internal state")));

    perform(mvc, get("/api/v1/cluster"))
        .andExpect(status().isInternalServerError())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("INTERNAL"))
        .andExpect(jsonPath("$.title").value("Internal error"))
        .andExpect(content().string(not(containsString("secret"))))
        .andExpect(content().string(not(containsString("IllegalStateException"))))
        .andExpect(jsonPath("$.trace").doesNotExist());
  }

  @Test
  void aSynchronousThrowIsMappedLikeAFailedFuture() throws Exception {
    when(coordinator.getCluster())
        .thenThrow(new TxException(ErrorCode.NO_QUORUM, "no quorum", 3000));
    perform(mvc, get("/api/v1/cluster"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(header().string("Retry-After", "3"))
        .andExpect(jsonPath("$.code").value("NO_QUORUM"));

    doThrow(new NullPointerException("bug")).when(coordinator).getCluster();
    perform(mvc, get("/api/v1/cluster"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.code").value("INTERNAL"));
  }

  @Test
  void aWrappedUnexpectedFailureIs500Too() throws Exception {
    when(coordinator.getCluster())
        .thenReturn(failedFuture(new CompletionException(new ArithmeticException("bug"))));
    perform(mvc, get("/api/v1/cluster"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.code").value("INTERNAL"));
  }

  @Test
  void aNullAnswerIsAnInternalErrorNotAHang() throws Exception {
    when(coordinator.getCluster()).thenReturn(CompletableFuture.completedFuture((Cluster) null));
    perform(mvc, get("/api/v1/cluster"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.code").value("INTERNAL"));
  }

  @Test
  void aCoordinatorThatDoesNotAnswerInTimeIs503Timeout() throws Exception {
    when(coordinator.commit(any())).thenReturn(new CompletableFuture<>());

    MvcResult started =
        mvc.perform(post("/api/v1/transactions/3-1042/commit"))
            .andExpect(request().asyncStarted())
            .andReturn();
    // What the servlet container does when the async timeout expires.
    MockAsyncContext async = (MockAsyncContext) started.getRequest().getAsyncContext();
    for (AsyncListener listener : async.getListeners()) {
      listener.onTimeout(new AsyncEvent(async));
    }

    mvc.perform(asyncDispatch(started))
        .andExpect(status().isServiceUnavailable())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("TIMEOUT"))
        .andExpect(jsonPath("$.detail", containsString("did not answer in time")));
  }
}
