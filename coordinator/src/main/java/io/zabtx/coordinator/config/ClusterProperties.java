package io.zabtx.coordinator.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code zabtx.cluster.*}: who this node is and who its peers are.
 *
 * @param nodeId this node's id; must be one of {@code members}
 * @param clusterId the ensemble's name; peers of another cluster are refused
 * @param members every node, {@code id=host:peerPort:grpcPort[:httpPort]}; empty runs a single-node
 *     ensemble on {@code peerPort} and {@code zabtx.grpc.port}
 * @param bindHost the address the peer and gRPC servers listen on
 * @param peerPort the ZAB peer port of a single-node ensemble (with members, this node's entry
 *     decides)
 * @param dataDir where the node keeps its log and snapshots ({@code <dataDir>/node-<id>})
 * @param tick the length of one ZAB tick
 * @param segmentSize the size of one log segment file (pre-allocated)
 * @param fsync whether the log is forced to disk before an entry is acknowledged (turn off only for
 *     throwaway benchmarks)
 * @param snapshotEveryEntries take a snapshot of the decision log after this many entries
 */
@ConfigurationProperties("zabtx.cluster")
public record ClusterProperties(
    @DefaultValue("1") long nodeId,
    @DefaultValue("zabtx") String clusterId,
    @DefaultValue List<String> members,
    @DefaultValue("0.0.0.0") String bindHost,
    @DefaultValue("7070") int peerPort,
    @DefaultValue("./data") Path dataDir,
    @DefaultValue("10ms") Duration tick,
    @DefaultValue("64MB") DataSize segmentSize,
    @DefaultValue("true") boolean fsync,
    @DefaultValue("100000") long snapshotEveryEntries) {}
