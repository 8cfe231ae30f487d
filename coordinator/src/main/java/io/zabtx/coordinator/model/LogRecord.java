package io.zabtx.coordinator.model;

/**
 * A record of the replicated decision log (encoded as {@code zabtx.log.v1.LogRecord}). Presumed
 * abort: only commit points are logged, then what a new leader needs to finish or forget them.
 */
public sealed interface LogRecord
    permits DecisionRecord, PreCommitRecord, CompletedRecord, HeuristicRecord, ForgetRecord {}
