package io.zabtx.participant.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.zabtx.participant.Participant;
import java.sql.SQLException;
import java.util.Arrays;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Replaces the application's DataSource bean with the SDK's wrapper and starts the {@link
 * Participant} behind it (database checks, SDK tables, recovery, the participant endpoint), so that
 * repositories, {@code JdbcTemplate} and JPA all write through the wrapper without code changes.
 *
 * <p>One DataSource per service takes part: with several DataSource beans, name the one in {@code
 * zabtx.participant.datasource.bean}; the others stay untouched. The participant is closed with the
 * application context.
 */
public final class ParticipantDataSourceWrapper
    implements BeanPostProcessor, EnvironmentAware, BeanFactoryAware, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ParticipantDataSourceWrapper.class);

  private Environment environment;
  private ListableBeanFactory beanFactory;
  private volatile Participant participant;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = (ListableBeanFactory) beanFactory;
  }

  /** The participant, once the DataSource was wrapped. */
  public Participant participant() {
    return participant;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    if (!(bean instanceof DataSource raw) || !isTheOne(beanName)) {
      return bean;
    }
    ParticipantSdkProperties props =
        Binder.get(environment).bindOrCreate("zabtx.participant", ParticipantSdkProperties.class);
    String resource =
        props.resource() != null
            ? props.resource()
            : environment.getProperty("spring.application.name", "default");
    Participant.Builder b =
        Participant.builder()
            .dataSource(raw)
            .resource(resource)
            .coordinators(props.coordinators())
            .listen(props.endpoint().host(), props.endpoint().port())
            .lockWait(props.datasource().lockWait())
            .createTables(props.datasource().createTables())
            .branchConfig(props.branch().toBranchConfig())
            .tick(props.branch().tick())
            .callTimeout(props.branch().callTimeout());
    if (props.endpoint().advertised() != null && !props.endpoint().advertised().isBlank()) {
      b.advertisedEndpoint(props.endpoint().advertised());
    }
    beanFactory.getBeanProvider(MeterRegistry.class).ifAvailable(b::meterRegistry);
    try {
      participant = b.start();
    } catch (SQLException | RuntimeException e) {
      throw new BeanInitializationException(
          "ZabTX participant for DataSource '"
              + beanName
              + "' did not start: "
              + e.getMessage()
              + " (settings: zabtx.participant.*)",
          e);
    }
    return participant.dataSource();
  }

  private boolean isTheOne(String beanName) {
    String wanted = environment.getProperty("zabtx.participant.datasource.bean");
    if (wanted != null && !wanted.isBlank()) {
      return wanted.equals(beanName);
    }
    String[] all = beanFactory.getBeanNamesForType(DataSource.class, false, false);
    if (all.length > 1) {
      throw new BeanInitializationException(
          "several DataSource beans "
              + Arrays.toString(all)
              + ": set zabtx.participant.datasource.bean to the one the participant SDK wraps");
    }
    if (participant != null) {
      log.warn("DataSource '{}' not wrapped: a participant already runs", beanName);
      return false;
    }
    return true;
  }

  @Override
  public void destroy() {
    Participant p = participant;
    if (p != null) {
      p.close();
    }
  }
}
