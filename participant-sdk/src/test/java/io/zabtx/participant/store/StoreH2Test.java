package io.zabtx.participant.store;

import io.zabtx.participant.testing.H2Files;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;

/** The branch store on an H2 file database. */
class StoreH2Test extends StoreContract {
  private static final H2Files FILES = new H2Files();
  private static final AtomicInteger N = new AtomicInteger();

  @Override
  DataSource newDatabase() {
    return FILES.dataSource("store" + N.incrementAndGet());
  }

  @Override
  DataSource reopen(DataSource db) {
    // A new data source on the same files, without WRITE_DELAY in the URL: it persisted.
    JdbcDataSource again = new JdbcDataSource();
    again.setURL(((JdbcDataSource) db).getURL().replace(";WRITE_DELAY=0", ""));
    again.setUser("sa");
    return again;
  }

  @AfterAll
  static void deleteFiles() {
    FILES.close();
  }
}
