package io.zabtx.participant.propagation;

import io.zabtx.participant.context.DtxContext;
import java.util.List;

/** Reads an incoming xid header and words its refusal. */
final class XidText {

  private static final int SHOWN_CHARS_MAX = 40;

  private XidText() {}

  /**
   * Why {@code values} (every value of the header, at least one) is not one valid xid, or null when
   * it is.
   */
  static String problem(String carrier, List<String> values) {
    if (values.stream().map(String::strip).distinct().count() > 1) {
      return carrier
          + " appears "
          + values.size()
          + " times with different values; send one xid, unchanged, as issued by the coordinator";
    }
    String xid = values.get(0).strip();
    if (DtxContext.isValidXid(xid)) {
      return null;
    }
    return carrier
        + " is '"
        + shown(xid)
        + "', which is not an xid: expected <epoch>-<counter> as issued by the coordinator (e.g."
        + " 3-1042); forward the xid unchanged, or send no "
        + carrier
        + " outside a global transaction";
  }

  static String shown(String text) {
    String cut =
        text.length() > SHOWN_CHARS_MAX ? text.substring(0, SHOWN_CHARS_MAX) + "..." : text;
    StringBuilder b = new StringBuilder(cut.length());
    for (char c : cut.toCharArray()) {
      b.append(c < 0x20 || c > 0x7e ? '?' : c); // never echo control characters back
    }
    return b.toString();
  }
}
