package io.zabtx.participant.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * H2 file databases in a temporary directory of their own, deleted by {@link #close}. A database
 * keeps its files across connections (and "restarts": open the same name again).
 */
public final class H2Files implements AutoCloseable {
  private final Path dir;

  /** A fresh temporary directory. */
  public H2Files() {
    try {
      dir = Files.createTempDirectory("zabtx-h2-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JDBC URL of database {@code name}, with {@code options} appended (";K=V;..."). */
  public String url(String name, String options) {
    return "jdbc:h2:" + dir.resolve(name).toAbsolutePath() + options;
  }

  /** Database {@code name} with {@code WRITE_DELAY=0}, user sa. */
  public DataSource dataSource(String name) {
    return dataSource(name, ";WRITE_DELAY=0");
  }

  /** Database {@code name} with {@code options}, user sa. */
  public DataSource dataSource(String name, String options) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url(name, options));
    ds.setUser("sa");
    ds.setPassword("");
    return ds;
  }

  /** The directory holding the files. */
  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
