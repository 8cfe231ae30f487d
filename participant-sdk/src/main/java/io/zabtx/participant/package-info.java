/**
 * The participant SDK (issue 8, in progress): what a microservice embeds to take part in ZabTX
 * global transactions. Sub-packages by feature: {@code branch} (the pure branch engine: states,
 * transitions, deadlines), {@code undo} (statement analysis, before/after images, rollback).
 */
package io.zabtx.participant;
