package io.zabtx.participant.client;

/**
 * A coordinator's client API (gRPC) address.
 *
 * @param host a DNS name or IP literal (IPv6 without brackets)
 */
record CoordinatorAddress(String host, int port) {

  /**
   * Parses {@code host:port} or {@code [ipv6]:port}.
   *
   * @throws IllegalArgumentException naming the text and the expected form
   */
  static CoordinatorAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(text, "it is empty");
    }
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw invalid(text, "host or port is missing");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw invalid(text, "write an IPv6 host in brackets, e.g. [::1]:9090");
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw invalid(text, "the port is not a number");
    }
    if (host.isBlank() || port < 1 || port > 65_535) {
      throw invalid(text, "the host is empty or the port is not within 1-65535");
    }
    return new CoordinatorAddress(host, port);
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException(
        "coordinator address '"
            + text
            + "' is not host:port ("
            + why
            + "); give the gRPC address of a coordinator node, e.g. coordinator-0:9090");
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
