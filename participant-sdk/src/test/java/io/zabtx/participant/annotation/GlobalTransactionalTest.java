package io.zabtx.participant.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.participant.client.ClusterFixture;
import io.zabtx.participant.client.CommitProtocol;
import io.zabtx.participant.client.DtxClient;
import io.zabtx.participant.client.GlobalTransaction;
import io.zabtx.participant.client.GlobalTransactionTemplate;
import io.zabtx.participant.client.TransactionInfo;
import io.zabtx.participant.context.DtxContext;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code @GlobalTransactional} applied by {@link GlobalTransactionalAdvisor} through Spring's
 * auto-proxying, against a real coordinator: method- and class-level annotations, rollback rules,
 * rollback-only, a swallowed exception, and a nested annotated call joining the outer transaction.
 */
class GlobalTransactionalTest {

  // Static: fields of a class-based proxy are not the target's.
  private static final AtomicReference<String> LAST_TRANSFER = new AtomicReference<>();
  private static final AtomicReference<String> LAST_AUDIT = new AtomicReference<>();

  private static AnnotationConfigApplicationContext context;
  private static DtxClient client;
  private static Transfers transfers;
  private static Audit audit;

  @BeforeAll
  static void start() {
    context = new AnnotationConfigApplicationContext(Wiring.class);
    client = context.getBean(DtxClient.class);
    transfers = context.getBean(Transfers.class);
    audit = context.getBean(Audit.class);
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  @AfterEach
  void nothingStaysBound() {
    assertThat(DtxContext.currentXid()).isEmpty();
  }

  @Test
  void onlyBeansWithTheAnnotationAreProxied() {
    assertThat(AopUtils.isAopProxy(transfers)).isTrue();
    assertThat(AopUtils.isAopProxy(audit)).isTrue();
    assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse();
  }

  @Test
  void anAnnotatedMethodCommitsOnReturnWithTheAnnotationsSettings() {
    String xid = transfers.transfer();

    TransactionInfo info = client.status(xid);
    assertThat(info.status().isCommitted()).isTrue();
    assertThat(info.protocol()).isEqualTo(CommitProtocol.TWO_PHASE);
    assertThat(info.name()).isEqualTo("Transfers.transfer");
    assertThat(Duration.between(info.begunAt(), info.deadline())).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aCheckedExceptionRollsBackAndReachesTheCaller() {
    assertThatThrownBy(() -> transfers.failWith(new IOException("disk full")))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");
    assertThat(client.status(LAST_TRANSFER.get()).status().isAborted()).isTrue();
  }

  @Test
  void rollbackRulesOfTheAnnotationDecide() {
    assertThatThrownBy(() -> transfers.businessOutcome(new InsufficientFunds()))
        .isInstanceOf(InsufficientFunds.class);
    assertThat(client.status(LAST_TRANSFER.get()).status().isCommitted()).isTrue();

    assertThatThrownBy(() -> transfers.businessOutcome(new AccountFrozen()))
        .isInstanceOf(AccountFrozen.class);
    assertThat(client.status(LAST_TRANSFER.get()).status().isAborted())
        .as("rollbackFor wins for the subclass")
        .isTrue();
  }

  @Test
  void aClassLevelAnnotationAppliesToPublicMethodsWithItsProtocolAndTimeout() {
    String xid = audit.record(false);

    TransactionInfo info = client.status(xid);
    assertThat(info.protocol()).isEqualTo(CommitProtocol.THREE_PHASE);
    assertThat(Duration.between(info.begunAt(), info.deadline())).isEqualTo(Duration.ofSeconds(5));
    assertThat(info.status().isCommitted()).isTrue();
    assertThat(audit.toString()).as("toString runs outside any transaction").isEqualTo("audit");
  }

  @Test
  void rollbackOnlySwallowedExceptionsAndUnannotatedMethods() {
    String marked = transfers.fallbackThatMarks();
    String swallowed = transfers.fallbackThatSwallows();

    assertThat(client.status(marked).status().isAborted()).isTrue();
    assertThat(client.status(swallowed).status().isCommitted()).isTrue();
    assertThat(transfers.unannotated()).isEmpty();
  }

  @Test
  void aNestedAnnotatedCallJoinsAndItsSwallowedFailureStillRollsBack() {
    String[] xids = transfers.transferWithAudit(false);
    assertThat(xids[1]).isEqualTo(xids[0]);
    assertThat(client.status(xids[0]).status().isCommitted()).isTrue();

    String[] failed = transfers.transferWithAudit(true);
    assertThat(failed[1]).isEqualTo(failed[0]);
    assertThat(client.status(failed[0]).status().isAborted()).isTrue();
  }

  static class InsufficientFunds extends RuntimeException {}

  static class AccountFrozen extends InsufficientFunds {}

  static class Transfers {
    private final Audit audit;

    Transfers(Audit audit) {
      this.audit = audit;
    }

    @GlobalTransactional
    public String transfer() {
      return DtxContext.currentXid().orElseThrow();
    }

    @GlobalTransactional
    public void failWith(IOException failure) throws IOException {
      LAST_TRANSFER.set(DtxContext.currentXid().orElseThrow());
      throw failure;
    }

    @GlobalTransactional(noRollbackFor = InsufficientFunds.class, rollbackFor = AccountFrozen.class)
    public void businessOutcome(RuntimeException outcome) {
      LAST_TRANSFER.set(DtxContext.currentXid().orElseThrow());
      throw outcome;
    }

    @GlobalTransactional
    public String fallbackThatMarks() {
      try {
        throw new IllegalStateException("remote call failed");
      } catch (IllegalStateException e) {
        GlobalTransaction.current().setRollbackOnly();
      }
      return GlobalTransaction.current().xid();
    }

    @GlobalTransactional
    public String fallbackThatSwallows() {
      try {
        throw new IllegalStateException("remote call failed");
      } catch (IllegalStateException e) {
        return GlobalTransaction.current().xid();
      }
    }

    public Optional<String> unannotated() {
      return DtxContext.currentXid();
    }

    /** Returns {outer xid, the xid the nested call saw}. */
    @GlobalTransactional
    public String[] transferWithAudit(boolean auditFails) {
      String outer = DtxContext.currentXid().orElseThrow();
      String inner;
      try {
        inner = audit.record(auditFails);
      } catch (IllegalStateException swallowed) {
        inner = LAST_AUDIT.get();
      }
      return new String[] {outer, inner};
    }
  }

  @GlobalTransactional(protocol = CommitProtocol.THREE_PHASE, timeoutMillis = 5_000)
  static class Audit {

    public String record(boolean fail) {
      LAST_AUDIT.set(DtxContext.currentXid().orElseThrow());
      if (fail) {
        throw new IllegalStateException("audit store down");
      }
      return LAST_AUDIT.get();
    }

    @Override
    public String toString() {
      assertThat(DtxContext.currentXid()).isEmpty();
      return "audit";
    }
  }

  static class Plain {
    public String hello() {
      return "hello";
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Wiring {
    @Bean(destroyMethod = "close")
    DtxClient dtxClient() {
      return ClusterFixture.client(ClusterFixture.addresses(ClusterFixture.shared(), 1))
          .meterRegistry(new SimpleMeterRegistry())
          .build();
    }

    @Bean
    GlobalTransactionTemplate globalTransactionTemplate(DtxClient client) {
      return new GlobalTransactionTemplate(client);
    }

    @Bean
    GlobalTransactionalAdvisor globalTransactionalAdvisor(GlobalTransactionTemplate template) {
      return new GlobalTransactionalAdvisor(new GlobalTransactionalInterceptor(template));
    }

    @Bean
    static DefaultAdvisorAutoProxyCreator autoProxyCreator() {
      DefaultAdvisorAutoProxyCreator creator = new DefaultAdvisorAutoProxyCreator();
      creator.setProxyTargetClass(true);
      return creator;
    }

    @Bean
    Audit audit() {
      return new Audit();
    }

    @Bean
    Transfers transfers(Audit audit) {
      return new Transfers(audit);
    }

    @Bean
    Plain plain() {
      return new Plain();
    }
  }
}
