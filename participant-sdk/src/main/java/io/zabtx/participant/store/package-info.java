/**
 * The SDK's tables in the participant's database ({@code dtx_branch}, {@code dtx_undo_log}, {@code
 * dtx_lock}): schema creation and validation per database, durability settings, the branch store,
 * undo log and row locks.
 */
package io.zabtx.participant.store;
