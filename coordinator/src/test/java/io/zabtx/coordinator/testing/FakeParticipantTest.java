package io.zabtx.coordinator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zabtx.coordinator.model.Phase;
import io.zabtx.protocol.v1.BranchState;
import io.zabtx.protocol.v1.ParticipantServiceGrpc;
import io.zabtx.protocol.v1.ParticipantServiceGrpc.ParticipantServiceBlockingStub;
import io.zabtx.protocol.v1.PhaseRequest;
import io.zabtx.protocol.v1.Protocol;
import io.zabtx.protocol.v1.Vote;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test double behaves as scripted and as a real participant keeps its branches. */
class FakeParticipantTest {

  private final FakeParticipant fake = FakeParticipant.start();
  private ManagedChannel channel = channelTo(fake.port());

  @AfterEach
  void close() {
    channel.shutdownNow();
    fake.close();
  }

  @Test
  void repeatsAreIdempotent_andConflictsAreListed() {
    assertThat(stub().prepare(request("1-1")).getVote()).isEqualTo(Vote.YES);
    assertThat(stub().commit(request("1-1")).getState()).isEqualTo(BranchState.BRANCH_COMMITTED);
    assertThat(stub().commit(request("1-1")).getState()).isEqualTo(BranchState.BRANCH_COMMITTED);
    assertThat(fake.conflicts()).isEmpty();

    assertThat(stub().abort(request("1-1")).getState()).isEqualTo(BranchState.BRANCH_COMMITTED);
    assertThat(fake.conflicts()).containsExactly("1-1/1: ABORT after BRANCH_COMMITTED");
  }

  @Test
  void failNext_failsExactlyThatManyCalls_andRecordsThem() {
    fake.failNext(Phase.COMMIT, 2);

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> stub().commit(request("1-2")))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
    assertThat(stub().commit(request("1-2")).getState()).isEqualTo(BranchState.BRANCH_COMMITTED);
    assertThat(fake.calls(Phase.COMMIT)).hasSize(3);
  }

  @Test
  void hungCallsAnswerOnRelease() throws Exception {
    fake.hang(Phase.PREPARE);
    CompletableFuture<Vote> vote =
        CompletableFuture.supplyAsync(() -> stub().prepare(request("1-3")).getVote());
    fake.awaitHung(1, Duration.ofSeconds(10));
    assertThat(vote).isNotDone();

    fake.release();

    assertThat(vote.get(10, TimeUnit.SECONDS)).isEqualTo(Vote.YES);
  }

  @Test
  void awaitCalls_failsWithAClearMessageWhenTheCallsDoNotCome() {
    assertThatThrownBy(() -> fake.awaitCalls(Phase.ABORT, 1, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 ABORT calls (got 0)");
  }

  @Test
  void restart_servesOnTheSamePort_andKeepsItsBranches() {
    int port = fake.port();
    assertThat(stub().prepare(request("1-4")).getVote()).isEqualTo(Vote.YES);

    fake.stop();
    assertThat(fake.isRunning()).isFalse();
    assertThatThrownBy(() -> stub().commit(request("1-4")))
        .isInstanceOf(StatusRuntimeException.class);
    fake.restart();

    assertThat(fake.port()).isEqualTo(port);
    channel.shutdownNow();
    channel = channelTo(port);
    assertThat(stub().commit(request("1-4")).getState()).isEqualTo(BranchState.BRANCH_COMMITTED);
    assertThat(fake.branchState("1-4", 1)).isEqualTo(BranchState.BRANCH_COMMITTED);
  }

  @Test
  void main_runsAStandaloneParticipantAndSaysReady() throws Exception {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                FakeParticipant.class.getName(),
                "--port",
                "0")
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String ready =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      String line;
                      while ((line = out.readLine()) != null) {
                        if (line.startsWith("READY port=")) {
                          return line;
                        }
                      }
                      return "exited without READY";
                    } catch (java.io.IOException e) {
                      return e.toString();
                    }
                  })
              .get(60, TimeUnit.SECONDS);
      assertThat(ready).startsWith("READY port=");
      int port = Integer.parseInt(ready.substring("READY port=".length()).trim());

      channel.shutdownNow();
      channel = channelTo(port);
      assertThat(stub().prepare(request("1-5")).getVote()).isEqualTo(Vote.YES);
      assertThat(stub().abort(request("1-5")).getState()).isEqualTo(BranchState.BRANCH_ABORTED);
    } finally {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private ParticipantServiceBlockingStub stub() {
    return ParticipantServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static PhaseRequest request(String xid) {
    return PhaseRequest.newBuilder()
        .setXid(xid)
        .setBranchId(1)
        .setProtocol(Protocol.TWO_PHASE)
        .build();
  }

  private static ManagedChannel channelTo(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }
}
