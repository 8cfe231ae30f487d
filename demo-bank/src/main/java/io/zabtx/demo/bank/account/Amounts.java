package io.zabtx.demo.bank.account;

import java.math.BigDecimal;

/** Parses and checks money amounts: positive, at most 2 decimal places, at most one billion. */
public final class Amounts {
  /** The largest amount accepted in one operation. */
  public static final BigDecimal MAX = new BigDecimal("1000000000.00");

  private Amounts() {}

  /**
   * The amount {@code raw} (a JSON string or number) as a scale-2 decimal.
   *
   * @throws InvalidRequestException saying what is wrong with it
   */
  public static BigDecimal parse(Object raw, String field) {
    if (raw == null) {
      throw new InvalidRequestException(field + " is missing");
    }
    BigDecimal v;
    try {
      v = new BigDecimal(raw.toString().trim());
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(field + " '" + raw + "' is not a number");
    }
    return check(v, field, false);
  }

  /** Like {@link #parse} but zero is allowed (an opening balance). */
  public static BigDecimal parseOpening(Object raw, String field) {
    if (raw == null) {
      return BigDecimal.ZERO.setScale(2);
    }
    BigDecimal v;
    try {
      v = new BigDecimal(raw.toString().trim());
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(field + " '" + raw + "' is not a number");
    }
    return check(v, field, true);
  }

  private static BigDecimal check(BigDecimal v, String field, boolean zeroAllowed) {
    if (v.signum() < 0 || (v.signum() == 0 && !zeroAllowed)) {
      throw new InvalidRequestException(
          field
              + " must be "
              + (zeroAllowed ? "zero or more" : "greater than zero")
              + ", got "
              + v);
    }
    if (v.stripTrailingZeros().scale() > 2) {
      throw new InvalidRequestException(field + " " + v + " has more than 2 decimal places");
    }
    if (v.compareTo(MAX) > 0) {
      throw new InvalidRequestException(field + " " + v + " is over the limit of " + MAX);
    }
    return v.setScale(2);
  }
}
