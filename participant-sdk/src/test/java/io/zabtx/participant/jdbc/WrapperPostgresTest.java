package io.zabtx.participant.jdbc;

import io.zabtx.participant.testing.Postgres;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The wrapper on a real PostgreSQL server. */
class WrapperPostgresTest extends WrapperContract {
  @RegisterExtension static final Postgres PG = new Postgres();

  @Override
  DataSource newDatabase() {
    return PG.newDatabase();
  }
}
