package io.zabtx.participant.jdbc;

import java.util.Locale;
import java.util.regex.Pattern;

/** What a statement text is, as far as the wrapper must know before parsing it. */
enum SqlKind {
  /** Reads and session settings: pass through. */
  READ,
  /** INSERT, UPDATE or DELETE: undo (under an xid) or the plain-write lock check. */
  DML,
  /** Transaction control in SQL text (COMMIT, ROLLBACK ...): would bypass the wrapper's commit. */
  TRANSACTION_CONTROL,
  /** Anything else (DDL, CALL, MERGE ...): refused under an xid, passed through without. */
  OTHER;

  private static final Pattern DML_WORD =
      Pattern.compile("\\b(INSERT|UPDATE|DELETE|MERGE|UPSERT)\\b", Pattern.CASE_INSENSITIVE);

  static SqlKind of(String sql) {
    String word = firstWord(sql);
    return switch (word) {
      case "SELECT", "VALUES", "SHOW", "EXPLAIN", "TABLE", "SET", "RESET" -> READ;
      // A WITH may hide a data-modifying statement (PostgreSQL); the analyzer refuses those.
      case "WITH" -> DML_WORD.matcher(sql).find() ? OTHER : READ;
      case "INSERT", "UPDATE", "DELETE" -> DML;
      case "COMMIT", "ROLLBACK", "BEGIN", "START", "SAVEPOINT", "RELEASE", "END", "ABORT" ->
          TRANSACTION_CONTROL;
      default -> OTHER;
    };
  }

  /** The first keyword, upper case, after blanks, comments and opening parentheses. */
  static String firstWord(String sql) {
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (sql.startsWith("--", i)) {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    int start = i;
    while (i < n && Character.isLetter(sql.charAt(i))) {
      i++;
    }
    return sql.substring(start, i).toUpperCase(Locale.ROOT);
  }
}
