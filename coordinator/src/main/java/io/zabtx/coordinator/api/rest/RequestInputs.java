package io.zabtx.coordinator.api.rest;

import io.zabtx.coordinator.model.Xid;
import io.zabtx.protocol.v1.TransactionStatus;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Checks of path and query parameters. Each throws {@link InvalidRequestException} with a message
 * that names the parameter, what was wrong and what to send.
 */
final class RequestInputs {

  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 500;

  private static final String STATUS_NAMES =
      Arrays.stream(TransactionStatus.values())
          .filter(RequestInputs::isRealStatus)
          .map(Enum::name)
          .collect(Collectors.joining(", "));

  private RequestInputs() {}

  /** The xid of a path, in its canonical text. */
  static String xid(String text) {
    try {
      return Xid.parse(text).toString();
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }

  /** The status filter; {@code STATUS_UNSPECIFIED} (all) when absent or empty. */
  static TransactionStatus statusFilter(String text) {
    if (text == null || text.isBlank()) {
      return TransactionStatus.STATUS_UNSPECIFIED;
    }
    String upper = text.trim().toUpperCase(Locale.ROOT);
    for (TransactionStatus status : TransactionStatus.values()) {
      if (isRealStatus(status) && status.name().equals(upper)) {
        return status;
      }
    }
    throw new InvalidRequestException(
        "status '"
            + abbreviate(text)
            + "' is not a transaction status: use one of "
            + STATUS_NAMES
            + ", or leave it out for all");
  }

  static int page(int page) {
    if (page < 0) {
      throw new InvalidRequestException("page " + page + " is negative: pages count from 0");
    }
    return page;
  }

  static int size(int size) {
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw new InvalidRequestException(
          "size "
              + size
              + " is out of range: use 1 to "
              + MAX_PAGE_SIZE
              + " (default "
              + DEFAULT_PAGE_SIZE
              + ")");
    }
    return size;
  }

  /** Whether a commit waits for phase 2: only {@code wait=completion} (or no wait) is accepted. */
  static boolean waitForCompletion(String wait) {
    if (wait == null) {
      return false;
    }
    if (wait.equalsIgnoreCase("completion")) {
      return true;
    }
    throw new InvalidRequestException(
        "wait '"
            + abbreviate(wait)
            + "' is not supported: use wait=completion to answer once"
            + " every branch acknowledged, or leave it out to answer once the outcome is durable");
  }

  private static boolean isRealStatus(TransactionStatus status) {
    return status != TransactionStatus.STATUS_UNSPECIFIED
        && status != TransactionStatus.UNRECOGNIZED;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
