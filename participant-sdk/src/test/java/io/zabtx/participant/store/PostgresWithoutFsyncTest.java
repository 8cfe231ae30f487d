package io.zabtx.participant.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zabtx.participant.testing.Postgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A PostgreSQL server without fsync is refused: a committed vote could be lost. */
class PostgresWithoutFsyncTest {
  @RegisterExtension static final Postgres UNSAFE = new Postgres(false);

  @Test
  void isRefusedNamingTheSetting() {
    assertThatThrownBy(() -> DtxDatabase.open(UNSAFE.newDatabase(), true))
        .hasMessageContaining("fsync=off")
        .hasMessageContaining("set fsync = on");
  }
}
