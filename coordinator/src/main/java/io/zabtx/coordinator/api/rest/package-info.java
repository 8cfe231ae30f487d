/**
 * The REST API ({@code /api/v1}): thin, asynchronous adapters over {@link
 * io.zabtx.coordinator.api.CoordinatorApi}, JSON written from explicit records, errors as RFC 7807
 * {@code application/problem+json}.
 *
 * <p>JSON conventions, the same in every reply:
 *
 * <ul>
 *   <li>{@code protocol} is {@code "2PC"} or {@code "3PC"}; requests also accept {@code TWO_PHASE}
 *       and {@code THREE_PHASE}, in any case.
 *   <li>{@code status}, {@code outcome} and a branch's {@code state} are the {@code zabtx.v1} enum
 *       names verbatim ({@code COMMITTING}, {@code COMMIT}, {@code BRANCH_COMMITTED}, ...).
 *   <li>Instants are ISO-8601 strings in UTC ({@code 2025-01-01T10:00:00.123Z}); the begin reply
 *       also carries {@code deadlineUnixMs}.
 *   <li>A member the coordinator has no value for (no name, no abort reason, no leader) is {@code
 *       null}, never absent.
 * </ul>
 *
 * <p>Problems carry {@code code}: an {@link io.zabtx.coordinator.model.ErrorCode} name, or {@code
 * INTERNAL} (500) and {@code TIMEOUT} (503, the coordinator did not answer in time). Every client
 * mistake is {@code INVALID_ARGUMENT}, with status 400, or 405 (method), 413 (body over 16 KiB),
 * 415 (Content-Type) where HTTP has a more precise status.
 */
package io.zabtx.coordinator.api.rest;
