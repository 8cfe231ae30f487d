package io.zabtx.participant.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.zabtx.participant.annotation.GlobalTransactionalAdvisor;
import io.zabtx.participant.annotation.GlobalTransactionalInterceptor;
import io.zabtx.participant.client.DtxClient;
import io.zabtx.participant.client.GlobalTransactionTemplate;
import io.zabtx.participant.propagation.XidClientHttpRequestInterceptor;
import io.zabtx.participant.propagation.XidGrpcClientInterceptor;
import io.zabtx.participant.propagation.XidGrpcServerInterceptor;
import io.zabtx.participant.propagation.XidServletFilter;
import jakarta.servlet.Filter;
import javax.sql.DataSource;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.client.RestClientCustomizer;
import org.springframework.boot.web.client.RestTemplateCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * The participant SDK in a Spring Boot service, configured by {@code zabtx.participant.*} ({@link
 * ParticipantSdkProperties}); off with {@code zabtx.participant.enabled=false}.
 *
 * <ul>
 *   <li>the application's DataSource bean is wrapped and a participant started behind it ({@link
 *       ParticipantDataSourceWrapper}; off with {@code zabtx.participant.datasource.wrap=false});
 *   <li>{@link DtxClient}, {@link GlobalTransactionTemplate} and {@code @GlobalTransactional};
 *   <li>the xid travels on RestTemplate and RestClient calls built from Boot's builders, is bound
 *       from the {@code Dtx-Xid} header of incoming servlet requests, and the gRPC interceptors are
 *       beans to add to the application's channels and servers.
 * </ul>
 *
 * Every bean backs off when the application declares its own.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnProperty(
    prefix = "zabtx.participant",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(ParticipantSdkProperties.class)
public class ZabtxParticipantAutoConfiguration {

  /** The client side: begin, commit, rollback, status against the coordinators. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public DtxClient dtxClient(ParticipantSdkProperties props, ObjectProvider<MeterRegistry> meters) {
    ParticipantSdkProperties.Client c = props.client();
    DtxClient.Builder b =
        DtxClient.builder()
            .addresses(props.coordinators())
            .callTimeout(c.callTimeout())
            .maxAttempts(c.maxAttempts())
            .backoff(c.backoffInitial(), c.backoffMax())
            .waitForCompletion(c.waitForCompletion());
    meters.ifAvailable(b::meterRegistry);
    return b.build();
  }

  /** Runs work in a global transaction. */
  @Bean
  @ConditionalOnMissingBean
  public GlobalTransactionTemplate globalTransactionTemplate(DtxClient client) {
    return new GlobalTransactionTemplate(client);
  }

  /** The gRPC client interceptor that sends the bound xid; add it to your channels. */
  @Bean
  @ConditionalOnMissingBean
  public XidGrpcClientInterceptor xidGrpcClientInterceptor() {
    return new XidGrpcClientInterceptor();
  }

  /** The gRPC server interceptor that binds an incoming xid; add it to your servers. */
  @Bean
  @ConditionalOnMissingBean
  public XidGrpcServerInterceptor xidGrpcServerInterceptor() {
    return new XidGrpcServerInterceptor();
  }

  /** Wraps the application's DataSource and starts the participant behind it. */
  @Bean
  @ConditionalOnClass(DataSource.class)
  @ConditionalOnProperty(
      prefix = "zabtx.participant.datasource",
      name = "wrap",
      havingValue = "true",
      matchIfMissing = true)
  public static ParticipantDataSourceWrapper participantDataSourceWrapper() {
    return new ParticipantDataSourceWrapper();
  }

  /** {@code @GlobalTransactional} on Spring beans, applied by the infrastructure auto-proxy. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.aopalliance.intercept.MethodInterceptor")
  @Import(AnnotationSupport.AutoProxy.class)
  static class AnnotationSupport {

    /**
     * Static and lazy on purpose: the auto-proxy creator instantiates advisors while bean
     * post-processors are still being created; resolving the template (client, MeterRegistry) at
     * that moment would create the application's MeterRegistry before its post-processor could
     * configure it (no common tags, no binders).
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static GlobalTransactionalAdvisor globalTransactionalAdvisor(
        ObjectProvider<GlobalTransactionTemplate> template) {
      return new GlobalTransactionalAdvisor(
          new GlobalTransactionalInterceptor(template::getObject));
    }

    /** Makes sure an advisor auto-proxy creator exists (Boot's AOP support may be absent). */
    static class AutoProxy implements ImportBeanDefinitionRegistrar {
      @Override
      public void registerBeanDefinitions(
          AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
      }
    }
  }

  /** The xid on outgoing calls of RestTemplate and RestClient built from Boot's builders. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RestTemplate.class)
  static class RestPropagation {

    @Bean
    @ConditionalOnMissingBean
    XidClientHttpRequestInterceptor xidClientHttpRequestInterceptor() {
      return new XidClientHttpRequestInterceptor();
    }

    @Bean
    RestTemplateCustomizer xidRestTemplateCustomizer(XidClientHttpRequestInterceptor xid) {
      return rest -> rest.getInterceptors().add(xid);
    }

    @Bean
    @ConditionalOnClass(RestClient.class)
    RestClientCustomizer xidRestClientCustomizer(XidClientHttpRequestInterceptor xid) {
      return builder -> builder.requestInterceptor(xid);
    }
  }

  /** Binds the {@code Dtx-Xid} header of incoming requests. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(Filter.class)
  static class ServletPropagation {

    @Bean
    @ConditionalOnMissingBean(name = "xidServletFilter")
    FilterRegistrationBean<XidServletFilter> xidServletFilter() {
      FilterRegistrationBean<XidServletFilter> r =
          new FilterRegistrationBean<>(new XidServletFilter());
      r.setName("xidServletFilter");
      r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
      return r;
    }
  }
}
