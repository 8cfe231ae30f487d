package io.zabtx.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zabtx.participant.context.DtxContext;
import io.zabtx.participant.jdbc.DtxDataSource;
import io.zabtx.participant.testing.H2Files;
import io.zabtx.participant.testing.TestGate;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The wrapper's counters reach Micrometer under the names docs/participant-sdk.md lists. */
class WrapperMetricsTest {

  @Test
  void planCacheAndRefusalsAreVisibleAsMeters() throws SQLException {
    try (H2Files files = new H2Files()) {
      DataSource raw = files.dataSource("metrics");
      try (Connection c = raw.getConnection();
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        st.execute("INSERT INTO t VALUES (1, 0)");
      }
      DtxDataSource ds = new DtxDataSource(raw, new TestGate(), "metrics", Duration.ofMillis(100));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      WrapperMetrics.bind(registry, ds.stats());

      try (var scope = DtxContext.bind("9-1");
          Connection c = ds.getConnection();
          Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE t SET v = v + 1 WHERE id = 1");
        st.executeUpdate("UPDATE t SET v = v + 1 WHERE id = 1");
        assertThatThrownBy(() -> st.executeUpdate("DROP TABLE t")).isInstanceOf(SQLException.class);
      }

      assertThat(registry.get("zabtx.participant.statement.plans").gauge().value()).isEqualTo(1);
      assertThat(
              registry
                  .get("zabtx.participant.statement.plan.lookups")
                  .tag("result", "miss")
                  .functionCounter()
                  .count())
          .as("the UPDATE's first run and the DROP (analyzed, refused, not cached)")
          .isEqualTo(2);
      assertThat(
              registry
                  .get("zabtx.participant.statement.plan.lookups")
                  .tag("result", "hit")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
      assertThat(registry.get("zabtx.participant.statement.refused").functionCounter().count())
          .isEqualTo(1);
      assertThat(registry.get("zabtx.participant.lock.wait").functionTimer().count()).isZero();
      assertThat(registry.get("zabtx.participant.lock.conflicts").functionCounter().count())
          .isZero();
    }
  }
}
