package io.zabtx.participant.annotation;

import io.zabtx.participant.client.GlobalTransactionDefinition;
import io.zabtx.participant.client.GlobalTransactionTemplate;
import io.zabtx.participant.client.RollbackRules;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Runs a {@link GlobalTransactional} method through {@link GlobalTransactionTemplate}. The
 * annotation is looked up on the most specific method, then on the interface method, then on the
 * target class and the declaring class; a method without one proceeds untouched. Thread-safe.
 */
public final class GlobalTransactionalInterceptor implements MethodInterceptor {

  private static final int NAME_MAX_CHARS = 256;

  private final Supplier<GlobalTransactionTemplate> template;
  // One entry per (method, class) of the application's code: bounded by the code, not by calls.
  private final Map<MethodClassKey, Optional<GlobalTransactionDefinition>> definitions =
      new ConcurrentHashMap<>();

  public GlobalTransactionalInterceptor(GlobalTransactionTemplate template) {
    Objects.requireNonNull(template, "template");
    this.template = () -> template;
  }

  /**
   * An interceptor that looks the template up at its first use. The auto-configuration uses this:
   * the advisor is created while Spring is still creating bean post-processors, and asking for the
   * template then would create the client and the application's MeterRegistry too early (the
   * registry would miss its post-processing: common tags, filters, binders).
   */
  public GlobalTransactionalInterceptor(Supplier<GlobalTransactionTemplate> template) {
    this.template = Objects.requireNonNull(template, "template");
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Class<?> targetClass =
        invocation.getThis() == null ? null : AopUtils.getTargetClass(invocation.getThis());
    Method method = invocation.getMethod();
    Optional<GlobalTransactionDefinition> definition =
        definitions.computeIfAbsent(
            new MethodClassKey(method, targetClass), k -> definitionOf(method, targetClass));
    if (definition.isEmpty()) {
      return invocation.proceed();
    }
    return template.get().execute(definition.get(), tx -> invocation.proceed());
  }

  /** A class-level annotation covers public business methods, not toString, equals and such. */
  private static boolean classLevelApplies(Method method) {
    return Modifier.isPublic(method.getModifiers())
        && !ReflectionUtils.isObjectMethod(method)
        && !ReflectionUtils.isToStringMethod(method)
        && !ReflectionUtils.isEqualsMethod(method)
        && !ReflectionUtils.isHashCodeMethod(method);
  }

  private static Optional<GlobalTransactionDefinition> definitionOf(
      Method method, Class<?> targetClass) {
    Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
    GlobalTransactional a =
        AnnotatedElementUtils.findMergedAnnotation(specific, GlobalTransactional.class);
    if (a == null) {
      a = AnnotatedElementUtils.findMergedAnnotation(method, GlobalTransactional.class);
    }
    if (a == null && !classLevelApplies(method)) {
      return Optional.empty();
    }
    if (a == null && targetClass != null) {
      a = AnnotatedElementUtils.findMergedAnnotation(targetClass, GlobalTransactional.class);
    }
    if (a == null) {
      a =
          AnnotatedElementUtils.findMergedAnnotation(
              method.getDeclaringClass(), GlobalTransactional.class);
    }
    if (a == null) {
      return Optional.empty();
    }
    Class<?> owner = targetClass != null ? targetClass : method.getDeclaringClass();
    String where = owner.getName() + "." + method.getName();
    if (a.timeoutMillis() < 0) {
      throw new IllegalStateException(
          "@GlobalTransactional on "
              + where
              + ": timeoutMillis must be positive (or 0 for the coordinator's default), got "
              + a.timeoutMillis());
    }
    String name = a.name().isEmpty() ? owner.getSimpleName() + "." + method.getName() : a.name();
    return Optional.of(
        new GlobalTransactionDefinition(
            a.protocol(),
            Duration.ofMillis(a.timeoutMillis()),
            name.length() > NAME_MAX_CHARS ? name.substring(0, NAME_MAX_CHARS) : name,
            RollbackRules.of(List.of(a.rollbackFor()), List.of(a.noRollbackFor()))));
  }
}
