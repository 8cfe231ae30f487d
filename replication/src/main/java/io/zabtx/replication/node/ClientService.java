package io.zabtx.replication.node;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.zabtx.replication.node.proto.GetReply;
import io.zabtx.replication.node.proto.GetRequest;
import io.zabtx.replication.node.proto.ProposeReply;
import io.zabtx.replication.node.proto.ProposeRequest;
import io.zabtx.replication.node.proto.StatusReply;
import io.zabtx.replication.node.proto.StatusRequest;
import io.zabtx.replication.node.proto.ZabClientGrpc;
import io.zabtx.replication.runtime.LeadershipLostException;
import io.zabtx.replication.runtime.NotLeaderException;
import io.zabtx.replication.runtime.OverloadedException;
import io.zabtx.replication.runtime.ZabNode;
import java.util.concurrent.CompletionException;

/** The runnable node's client API (see zab_client.proto). */
final class ClientService extends ZabClientGrpc.ZabClientImplBase {

  private final ZabNode node;
  private final KeyValueStateMachine machine;

  ClientService(ZabNode node, KeyValueStateMachine machine) {
    this.node = node;
    this.machine = machine;
  }

  @Override
  public StreamObserver<ProposeRequest> propose(StreamObserver<ProposeReply> replies) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ProposeRequest request) {
        long id = request.getId();
        node.propose(request.getData().toByteArray())
            .whenComplete(
                (zxid, error) -> {
                  ProposeReply.Builder r = ProposeReply.newBuilder().setId(id);
                  if (error == null) {
                    r.setZxid(zxid.value());
                  } else {
                    Throwable cause =
                        error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof NotLeaderException nle) {
                      r.setError(ProposeReply.Error.NOT_LEADER).setLeaderHint(nle.leaderHint());
                    } else if (cause instanceof OverloadedException) {
                      r.setError(ProposeReply.Error.OVERLOADED);
                    } else if (cause instanceof LeadershipLostException) {
                      r.setError(ProposeReply.Error.OUTCOME_UNKNOWN);
                    } else {
                      r.setError(ProposeReply.Error.STOPPED);
                    }
                  }
                  // Replies come from the node's loop thread and from this call's thread.
                  synchronized (replies) {
                    replies.onNext(r.build());
                  }
                });
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        synchronized (replies) {
          replies.onCompleted();
        }
      }
    };
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusReply> reply) {
    KeyValueStateMachine.Status s = machine.status();
    Runtime rt = Runtime.getRuntime();
    reply.onNext(
        StatusReply.newBuilder()
            .setSid(node.sid())
            .setRole(node.role().name())
            .setLeader(node.leader())
            .setEstablished(node.isEstablishedLeader())
            .setCurrentEpoch(node.currentEpoch())
            .setLastAppliedZxid(s.lastZxid())
            .setAppliedCount(s.count())
            .setOrderHash(s.orderHash())
            .setKeys(machine.size())
            .setHeapUsedBytes(rt.totalMemory() - rt.freeMemory())
            .build());
    reply.onCompleted();
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetReply> reply) {
    byte[] v = machine.get(request.getKey());
    GetReply.Builder r = GetReply.newBuilder().setFound(v != null);
    if (v != null) {
      r.setValue(ByteString.copyFrom(v));
    }
    reply.onNext(r.build());
    reply.onCompleted();
  }
}
