/**
 * {@code @GlobalTransactional} and its Spring AOP adapter: {@link
 * io.zabtx.participant.annotation.GlobalTransactionalInterceptor} runs an annotated method through
 * {@link io.zabtx.participant.client.GlobalTransactionTemplate}, and {@link
 * io.zabtx.participant.annotation.GlobalTransactionalAdvisor} lets an auto-proxy creator apply it
 * to beans with the annotation on the class or a method. Needs spring-aop at runtime; the
 * annotation itself does not.
 */
package io.zabtx.participant.annotation;
