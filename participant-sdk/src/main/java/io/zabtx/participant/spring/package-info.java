/**
 * Spring Boot auto-configuration of the participant SDK ({@code zabtx.participant.*}): the wrapped
 * DataSource and its participant, the client, {@code @GlobalTransactional}, xid propagation.
 */
package io.zabtx.participant.spring;
