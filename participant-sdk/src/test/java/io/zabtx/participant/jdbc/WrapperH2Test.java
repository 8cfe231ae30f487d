package io.zabtx.participant.jdbc;

import io.zabtx.participant.testing.H2Files;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;

/** The wrapper on an H2 file database. */
class WrapperH2Test extends WrapperContract {
  private static final H2Files FILES = new H2Files();
  private static final AtomicInteger N = new AtomicInteger();

  @Override
  DataSource newDatabase() {
    return FILES.dataSource("wrapper" + N.incrementAndGet());
  }

  @AfterAll
  static void deleteFiles() {
    FILES.close();
  }
}
