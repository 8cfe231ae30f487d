package io.zabtx.participant.store;

import io.zabtx.participant.testing.Postgres;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** The branch store on a real PostgreSQL server. */
class StorePostgresTest extends StoreContract {
  @RegisterExtension static final Postgres PG = new Postgres();

  @Override
  DataSource newDatabase() {
    return PG.newDatabase();
  }

  @Override
  DataSource reopen(DataSource db) {
    return PG.dataSource(((PGSimpleDataSource) db).getDatabaseName());
  }
}
