package io.zabtx.participant.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One embedded PostgreSQL server per test class (a real server from Maven binaries), durable as the
 * SDK requires ({@code fsync=on}), with {@code synchronous_commit=off} as its default so that the
 * SDK's per-transaction setting is exercised. Register it as {@code @RegisterExtension static final
 * Postgres PG = new Postgres();} and take a fresh database per test from {@link #newDatabase}.
 */
public final class Postgres implements BeforeAllCallback, AfterAllCallback {
  private final AtomicInteger databases = new AtomicInteger();
  private final boolean fsync;
  private EmbeddedPostgres server;

  /** Nested test classes see the outer class's extension again: start and stop once. */
  private int depth;

  /** A durable server ({@code fsync=on}). */
  public Postgres() {
    this(true);
  }

  /** A server with {@code fsync} as given (off only to test that the SDK refuses it). */
  public Postgres(boolean fsync) {
    this.fsync = fsync;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (depth++ > 0) {
      return;
    }
    server =
        EmbeddedPostgres.builder()
            .setServerConfig("fsync", fsync ? "on" : "off")
            .setServerConfig("synchronous_commit", "off")
            .setServerConfig("full_page_writes", "on")
            .setServerConfig("max_connections", "50")
            .start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (--depth == 0 && server != null) {
      server.close();
    }
  }

  /** A new, empty database on the server, as user postgres. */
  public DataSource newDatabase() {
    String name = "db" + databases.incrementAndGet();
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return dataSource(name);
  }

  /** Database {@code name}, as user postgres. */
  public DataSource dataSource(String name) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"localhost"});
    ds.setPortNumbers(new int[] {server.getPort()});
    ds.setDatabaseName(name);
    ds.setUser("postgres");
    return ds;
  }

  /** The server, for tests that need more. */
  public EmbeddedPostgres server() {
    if (server == null) {
      throw new UncheckedIOException(new IOException("the server starts in beforeAll"));
    }
    return server;
  }
}
