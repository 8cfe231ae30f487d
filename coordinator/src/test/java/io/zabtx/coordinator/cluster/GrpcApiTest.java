package io.zabtx.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.zabtx.coordinator.api.grpc.GrpcErrors;
import io.zabtx.coordinator.testing.FakeParticipant;
import io.zabtx.protocol.v1.BeginRequest;
import io.zabtx.protocol.v1.CommitRequest;
import io.zabtx.protocol.v1.CoordinatorServiceGrpc.CoordinatorServiceBlockingStub;
import io.zabtx.protocol.v1.GetTransactionRequest;
import io.zabtx.protocol.v1.HeuristicOutcome;
import io.zabtx.protocol.v1.ListTransactionsRequest;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.QueryOutcomeRequest;
import io.zabtx.protocol.v1.RegisterBranchRequest;
import io.zabtx.protocol.v1.ReportHeuristicRequest;
import io.zabtx.protocol.v1.RollbackRequest;
import io.zabtx.protocol.v1.TransactionServiceGrpc.TransactionServiceBlockingStub;
import io.zabtx.protocol.v1.TransactionStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC client and participant APIs of a real single-node coordinator: every bad input gets its
 * status code and the exact {@code zabtx-error-code}, with a message that says what to fix, and
 * changes nothing; conflicting requests get ABORTED / FAILED_PRECONDITION.
 */
class GrpcApiTest {

  @TempDir static Path dir;
  private static CoordinatorCluster cluster;
  private static FakeParticipant participant;
  private static TransactionServiceBlockingStub client;
  private static CoordinatorServiceBlockingStub participantApi;

  @BeforeAll
  static void start() {
    cluster = new CoordinatorCluster(dir, 1).start();
    cluster.awaitLeader(Duration.ofSeconds(30));
    client = cluster.client(1);
    participantApi = cluster.participantApi(1);
    participant = FakeParticipant.start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
    participant.close();
  }

  @Test
  void beginRejectsAMissingProtocolANegativeTimeoutAndAnOversizedName() {
    assertRefused(
        () -> client.begin(BeginRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        "protocol must be TWO_PHASE");
    assertRefused(
        () ->
            client.begin(
                BeginRequest.newBuilder().setProtocol(Protocol.TWO_PHASE).setTimeoutMs(-1).build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        "timeout_ms");
    assertRefused(
        () ->
            client.begin(
                BeginRequest.newBuilder()
                    .setProtocol(Protocol.TWO_PHASE)
                    .setTimeoutMs(86_400_000)
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        "");
    assertRefused(
        () ->
            client.begin(
                BeginRequest.newBuilder()
                    .setProtocol(Protocol.TWO_PHASE)
                    .setName("x".repeat(257))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        "name");
  }

  @Test
  void aRequestLargerThanTheLimitIsRefusedByTheTransport() {
    assertThatThrownBy(
            () ->
                client.begin(
                    BeginRequest.newBuilder()
                        .setProtocol(Protocol.TWO_PHASE)
                        .setName("x".repeat(2 << 20))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void malformedAndUnknownXidsAreTold() {
    for (String bad : new String[] {"", "abc", "1-", "-1", "1-0", "0-1", "1-2-3", "1 -2"}) {
      assertRefused(
          () -> client.commit(CommitRequest.newBuilder().setXid(bad).build()),
          Status.Code.INVALID_ARGUMENT,
          "INVALID_ARGUMENT",
          "is not an xid");
      assertRefused(
          () -> participantApi.queryOutcome(QueryOutcomeRequest.newBuilder().setXid(bad).build()),
          Status.Code.INVALID_ARGUMENT,
          "INVALID_ARGUMENT",
          "is not an xid");
    }
    long epoch = cluster.node(1).runtime().epoch();
    String never = epoch + "-999999";
    assertRefused(
        () -> client.getTransaction(GetTransactionRequest.newBuilder().setXid(never).build()),
        Status.Code.NOT_FOUND,
        "NOT_FOUND",
        "");
    assertRefused(
        () -> client.commit(CommitRequest.newBuilder().setXid(never).build()),
        Status.Code.NOT_FOUND,
        "NOT_FOUND",
        "");
  }

  @Test
  void conflictingOutcomesAreRefusedAndRepeatsAreIdempotent() {
    String committed = begin();
    register(committed, "r1");
    assertThat(
            client
                .commit(
                    CommitRequest.newBuilder().setXid(committed).setWaitForCompletion(true).build())
                .getStatus())
        .isEqualTo(TransactionStatus.COMMITTED);
    assertThat(client.commit(CommitRequest.newBuilder().setXid(committed).build()).getStatus())
        .isEqualTo(TransactionStatus.COMMITTED);
    assertRefused(
        () -> client.rollback(RollbackRequest.newBuilder().setXid(committed).build()),
        Status.Code.FAILED_PRECONDITION,
        "TX_COMMITTED",
        "");
    assertRefused(
        () -> register(committed, "late"), Status.Code.FAILED_PRECONDITION, "NOT_ACTIVE", "");

    String rolledBack = begin();
    register(rolledBack, "r1");
    assertThat(client.rollback(RollbackRequest.newBuilder().setXid(rolledBack).build()).getStatus())
        .isIn(TransactionStatus.ABORTING, TransactionStatus.ABORTED);
    assertThat(client.rollback(RollbackRequest.newBuilder().setXid(rolledBack).build()).getStatus())
        .isIn(TransactionStatus.ABORTING, TransactionStatus.ABORTED);
    assertRefused(
        () -> client.commit(CommitRequest.newBuilder().setXid(rolledBack).build()),
        Status.Code.ABORTED,
        "TX_ABORTED",
        "");
  }

  @Test
  void participantCallsAreValidated() {
    String xid = begin();
    for (String endpoint : new String[] {"", "nohost", "host:", "host:0", "host:70000", ":1"}) {
      assertRefused(
          () ->
              participantApi.registerBranch(
                  RegisterBranchRequest.newBuilder()
                      .setXid(xid)
                      .setEndpoint(endpoint)
                      .setResource("r")
                      .build()),
          Status.Code.INVALID_ARGUMENT,
          "INVALID_ARGUMENT",
          "endpoint");
    }
    assertRefused(
        () ->
            participantApi.registerBranch(
                RegisterBranchRequest.newBuilder()
                    .setXid(xid)
                    .setEndpoint(participant.endpoint())
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        "resource");
    assertRefused(
        () ->
            participantApi.reportHeuristic(
                ReportHeuristicRequest.newBuilder().setXid(xid).setBranchId(1).build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        "heuristic outcome");
    assertRefused(
        () ->
            participantApi.reportHeuristic(
                ReportHeuristicRequest.newBuilder()
                    .setXid(xid)
                    .setOutcome(HeuristicOutcome.HAZARD)
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        "branch_id");
    // Nothing of the above registered a branch.
    assertThat(
            client
                .getTransaction(GetTransactionRequest.newBuilder().setXid(xid).build())
                .getBranchesCount())
        .isZero();
    // The same (endpoint, resource) registered twice is one branch.
    assertThat(register(xid, "r")).isEqualTo(register(xid, "r"));
  }

  @Test
  void listingValidatesItsPage() {
    assertRefused(
        () ->
            client.listTransactions(ListTransactionsRequest.newBuilder().setPageSize(501).build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        "page_size");
    assertRefused(
        () -> client.listTransactions(ListTransactionsRequest.newBuilder().setPage(-1).build()),
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        "page");
  }

  private String begin() {
    return client
        .begin(BeginRequest.newBuilder().setProtocol(Protocol.THREE_PHASE).build())
        .getXid();
  }

  private int register(String xid, String resource) {
    return participantApi
        .registerBranch(
            RegisterBranchRequest.newBuilder()
                .setXid(xid)
                .setEndpoint(participant.endpoint())
                .setResource(resource)
                .build())
        .getBranchId();
  }

  private static void assertRefused(
      ThrowingCallable call, Status.Code code, String errorCode, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getTrailers().get(GrpcErrors.ERROR_CODE)).isEqualTo(errorCode);
              assertThat(e.getStatus().getDescription()).contains(messagePart);
            });
  }
}
