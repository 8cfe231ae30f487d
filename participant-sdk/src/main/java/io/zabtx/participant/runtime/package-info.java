/**
 * The participant runtime: one thread driving the branch engine, the participant gRPC endpoint, the
 * coordinator-cluster client, deadlines and recovery.
 */
package io.zabtx.participant.runtime;
