/**
 * UNDO logging for participant branches (DESIGN.md §4.1): {@link
 * io.zabtx.participant.undo.StatementAnalyzer} turns a write into a {@link
 * io.zabtx.participant.undo.WritePlan}, {@link io.zabtx.participant.undo.ImageCapture} takes the
 * before and after images by primary key, {@link io.zabtx.participant.undo.ImageCodec} stores them
 * exactly, and {@link io.zabtx.participant.undo.Rollback} checks and restores them. Plain classes
 * on a caller-owned {@link java.sql.Connection}: they never commit or roll back themselves.
 */
package io.zabtx.participant.undo;
