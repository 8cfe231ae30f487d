package io.zabtx.participant.undo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatementAnalyzerTest {
  private Connection c;
  private final StatementAnalyzer analyzer = new StatementAnalyzer(new TableMetaCache());

  @BeforeEach
  void open() throws SQLException {
    c = DriverManager.getConnection("jdbc:h2:mem:analyzer" + System.nanoTime());
    try (var st = c.createStatement()) {
      st.execute(
          "CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(20), balance DECIMAL(12,2))");
      st.execute("CREATE TABLE pair (a INT, b VARCHAR(5), v INT, PRIMARY KEY (b, a))");
      st.execute("CREATE TABLE nokey (x INT)");
      st.execute("CREATE TABLE other (id INT PRIMARY KEY)");
    }
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  @Test
  void updateKeepsWhereAndItsParameterPositions() throws SQLException {
    WritePlan p =
        analyzer.analyze(
            c, "UPDATE acct SET balance = balance + ?, owner = ? WHERE id = ? OR owner = '?x'");
    assertThat(p.kind()).isEqualTo(WriteKind.UPDATE);
    assertThat(p.meta().sqlName()).isEqualTo("\"PUBLIC\".\"ACCT\"");
    assertThat(p.meta().primaryKey()).containsExactly("ID");
    assertThat(p.setColumns()).containsExactly("BALANCE", "OWNER");
    assertThat(p.where()).isEqualTo("id = ? OR owner = '?x'");
    assertThat(p.whereParams()).containsExactly(3);
    assertThat(p.parameterCount()).isEqualTo(3);
  }

  @Test
  void deleteWithoutWhereSelectsAllRows() throws SQLException {
    WritePlan p = analyzer.analyze(c, "DELETE FROM acct");
    assertThat(p.kind()).isEqualTo(WriteKind.DELETE);
    assertThat(p.where()).isNull();
    assertThat(p.parameterCount()).isZero();
  }

  @Test
  void deleteWithAliasAndSubquery() throws SQLException {
    WritePlan p =
        analyzer.analyze(c, "DELETE FROM acct a WHERE a.id IN (SELECT id FROM other WHERE id > ?)");
    assertThat(p.table()).isEqualTo("acct a");
    assertThat(p.whereParams()).containsExactly(1);
  }

  @Test
  void compositeKeyInOrderOfKeySequence() throws SQLException {
    WritePlan p = analyzer.analyze(c, "UPDATE pair SET v = 1 WHERE v = ?");
    assertThat(p.meta().primaryKey()).containsExactly("B", "A");
  }

  @Test
  void insertKeepsColumnsAndSourcesOfEachRow() throws SQLException {
    WritePlan p =
        analyzer.analyze(
            c, "INSERT INTO acct (id, owner, balance) VALUES (?, 'x', ? * 2), (7, ?, 1.5)");
    assertThat(p.kind()).isEqualTo(WriteKind.INSERT);
    assertThat(p.insertColumns()).containsExactly("ID", "OWNER", "BALANCE");
    assertThat(p.insertRows()).hasSize(2);
    assertThat(p.insertRows().get(0).get(0)).isEqualTo(new WritePlan.Source(1, null));
    assertThat(p.insertRows().get(1).get(0)).isEqualTo(new WritePlan.Source(0, "7"));
    assertThat(p.insertRows().get(1).get(1)).isEqualTo(new WritePlan.Source(3, null));
    assertThat(p.parameterCount()).isEqualTo(3);
    assertThat(p.insertGivesKey()).isTrue();
  }

  @Test
  void singleColumnInsertOfOneAndSeveralRows() throws SQLException {
    assertThat(analyzer.analyze(c, "INSERT INTO other (id) VALUES (?)").insertRows()).hasSize(1);
    assertThat(analyzer.analyze(c, "INSERT INTO other (id) VALUES (1), (2), (?)").insertRows())
        .hasSize(3);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "CREATE TABLE t2 (id INT PRIMARY KEY)| DDL",
        "DROP TABLE acct| DDL",
        "ALTER TABLE acct ADD COLUMN z INT| DDL",
        "TRUNCATE TABLE acct| DDL",
        "SELECT * FROM acct| not a write statement",
        "UPDATE acct SET owner = 'x' FROM other WHERE acct.id = other.id| several tables",
        "UPDATE acct a JOIN other o ON a.id = o.id SET a.owner = 'x'| several tables",
        "DELETE a FROM acct a JOIN other o ON a.id = o.id| several tables",
        "DELETE FROM acct USING other WHERE acct.id = other.id| several tables",
        "UPDATE acct SET id = id + 1| primary key column ID",
        "UPDATE pair SET a = 2 WHERE v = 1| primary key column A",
        "INSERT INTO acct (id, owner) SELECT id, 'x' FROM other| INSERT ... SELECT",
        "INSERT INTO acct VALUES (1, 'x', 2)| explicit column list",
        "INSERT INTO acct (id, owner) VALUES (?, 'x') ON CONFLICT (id) DO NOTHING| upsert",
        "INSERT INTO acct (id, owner) VALUES (1, 'x') ON DUPLICATE KEY UPDATE owner = 'y'| upsert",
        "INSERT INTO acct (id) VALUES (? + 1)| computed from parameters",
        "MERGE INTO acct USING other ON (acct.id = other.id) WHEN MATCHED THEN UPDATE SET owner = 'x'| MERGE/UPSERT",
        "UPSERT INTO acct (id, owner) VALUES (1, 'x')| MERGE/UPSERT",
        "UPDATE acct SET owner = 'x'; DELETE FROM acct| multiple statements",
        "UPDATE nokey SET x = 1| no primary key",
        "DELETE FROM missing WHERE id = 1| not found",
        "UPDATE acct SET nosuch = 1| unknown column",
        "UPDATE acct SET owner = ?1| numbered parameters",
        "DELETE FROM acct WHERE id = :id| named parameters",
        "DELETE FROM acct ORDER BY id LIMIT 1| ORDER BY / LIMIT",
        "THIS IS NOT SQL| cannot parse",
        "WITH x AS (SELECT 1 AS id) DELETE FROM acct WHERE id IN (SELECT id FROM x)| WITH"
      })
  void refusesWithReason(String sql, String reason) {
    assertThatThrownBy(() -> analyzer.analyze(c, sql))
        .isInstanceOfSatisfying(
            UndoRefusedException.class,
            e -> {
              assertThat(e.statement()).isEqualTo(sql);
              assertThat(e.reason()).contains(reason.trim());
              assertThat(e.getMessage()).contains(sql).contains(reason.trim());
            });
  }

  @Test
  void metadataIsCached() throws SQLException {
    TableMetaCache cache = new TableMetaCache();
    TableMeta first = cache.get(c, "acct", "q");
    assertThat(cache.get(c, "acct", "q")).isSameAs(first);
    assertThat(first.columnTypes()).containsOnlyKeys("ID", "OWNER", "BALANCE");
    assertThat(List.copyOf(first.columnTypes().keySet())).containsExactly("ID", "OWNER", "BALANCE");
  }
}
