/**
 * Carries the bound xid between services: outgoing RestTemplate / RestClient calls ({@link
 * io.zabtx.participant.propagation.XidClientHttpRequestInterceptor}, header {@code Dtx-Xid}) and
 * gRPC calls ({@link io.zabtx.participant.propagation.XidGrpcClientInterceptor}, metadata {@code
 * dtx-xid}); incoming servlet requests ({@link io.zabtx.participant.propagation.XidServletFilter})
 * and gRPC calls ({@link io.zabtx.participant.propagation.XidGrpcServerInterceptor}) bind it for
 * the handler. A malformed incoming xid is refused, never bound. Spring (spring-web) is needed only
 * for the HTTP client interceptor, jakarta.servlet only for the filter.
 */
package io.zabtx.participant.propagation;
