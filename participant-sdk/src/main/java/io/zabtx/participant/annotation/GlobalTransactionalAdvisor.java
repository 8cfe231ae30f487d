package io.zabtx.participant.annotation;

import java.util.Objects;
import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.Ordered;

/**
 * Applies {@link GlobalTransactionalInterceptor} to methods of beans annotated with {@link
 * GlobalTransactional} on the class (or a superclass / interface) or on the method. Picked up by
 * any advisor auto-proxy creator ({@code DefaultAdvisorAutoProxyCreator}; Spring Boot's, for an
 * advisor bean with {@code ROLE_INFRASTRUCTURE}).
 *
 * <p>Its default order ({@link #DEFAULT_ORDER}) places it outside Spring's {@code @Transactional}
 * interceptor (lowest precedence), so a method's local transaction commits before the global commit
 * starts.
 */
public final class GlobalTransactionalAdvisor extends AbstractPointcutAdvisor {

  /** Runs before (outside) interceptors of the default, lowest precedence. */
  public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1_000;

  private final transient GlobalTransactionalInterceptor interceptor;
  private final transient Pointcut pointcut =
      new ComposablePointcut(new AnnotationMatchingPointcut(GlobalTransactional.class, true))
          .union(new AnnotationMatchingPointcut(null, GlobalTransactional.class, true));

  public GlobalTransactionalAdvisor(GlobalTransactionalInterceptor interceptor) {
    this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
    setOrder(DEFAULT_ORDER);
  }

  @Override
  public Pointcut getPointcut() {
    return pointcut;
  }

  @Override
  public Advice getAdvice() {
    return interceptor;
  }
}
