package io.zabtx.coordinator.model;

import java.util.regex.Pattern;

/**
 * A global transaction id, {@code <epoch>-<sequence>}: minted by the leader of ZAB epoch {@code
 * epoch}, which numbers its transactions 1, 2, ... Unique across leaders because epochs are.
 * Ordered by (epoch, sequence).
 *
 * @param epoch the ZAB epoch of the leader that minted it (positive)
 * @param sequence the leader's counter (positive)
 */
public record Xid(long epoch, long sequence) implements Comparable<Xid> {

  private static final Pattern FORMAT = Pattern.compile("[1-9][0-9]{0,9}-[1-9][0-9]{0,18}");

  /** Validates both parts. */
  public Xid {
    if (epoch <= 0 || epoch > 0xFFFF_FFFFL || sequence <= 0) {
      throw new IllegalArgumentException(
          "xid parts must be positive (epoch ≤ 2^32-1): " + epoch + "-" + sequence);
    }
  }

  /**
   * Parses {@code "<epoch>-<sequence>"}.
   *
   * @throws IllegalArgumentException with a message fit for a client if {@code text} is not an xid
   */
  public static Xid parse(String text) {
    if (text == null || text.length() > 31 || !FORMAT.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "'"
              + abbreviate(text)
              + "' is not an xid: expected <epoch>-<sequence>, two positive numbers, e.g. 3-1042");
    }
    int dash = text.indexOf('-');
    try {
      return new Xid(
          Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not an xid: a part is too large");
    }
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  @Override
  public int compareTo(Xid o) {
    int c = Long.compare(epoch, o.epoch);
    return c != 0 ? c : Long.compare(sequence, o.sequence);
  }

  @Override
  public String toString() {
    return epoch + "-" + sequence;
  }
}
