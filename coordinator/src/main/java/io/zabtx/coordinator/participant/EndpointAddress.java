package io.zabtx.coordinator.participant;

import java.util.regex.Pattern;

/**
 * A participant's {@code host:port} as given in RegisterBranch, checked before a channel is made
 * for it. {@code [v6-address]:port} is accepted too.
 */
record EndpointAddress(String host, int port) {

  // Host names and IPv4 literals: letters, digits, dots, dashes, underscores. No scheme, no path.
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}");
  private static final Pattern V6_HOST = Pattern.compile("[0-9A-Fa-f:.%a-zA-Z]{2,60}");

  /**
   * Parses {@code endpoint}.
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  static EndpointAddress parse(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      throw malformed(endpoint, "it is empty");
    }
    if (endpoint.length() > 300) {
      throw malformed(endpoint, "it is longer than 300 characters");
    }
    String host;
    String portText;
    if (endpoint.startsWith("[")) {
      int close = endpoint.indexOf(']');
      if (close < 0 || close + 1 >= endpoint.length() || endpoint.charAt(close + 1) != ':') {
        throw malformed(endpoint, "an IPv6 address must be written [address]:port");
      }
      host = endpoint.substring(1, close);
      portText = endpoint.substring(close + 2);
      if (!V6_HOST.matcher(host).matches()) {
        throw malformed(endpoint, "'" + host + "' is not an IPv6 address");
      }
    } else {
      int colon = endpoint.lastIndexOf(':');
      if (colon < 0) {
        throw malformed(endpoint, "it has no port");
      }
      host = endpoint.substring(0, colon);
      portText = endpoint.substring(colon + 1);
      if (!HOST.matcher(host).matches()) {
        throw malformed(endpoint, "'" + host + "' is not a host name or IPv4 address");
      }
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw malformed(endpoint, "port '" + portText + "' is not a number");
    }
    if (port < 1 || port > 65_535) {
      throw malformed(endpoint, "port " + port + " is outside 1-65535");
    }
    return new EndpointAddress(host, port);
  }

  private static IllegalArgumentException malformed(String endpoint, String why) {
    String shown =
        endpoint == null
            ? "null"
            : endpoint.length() > 60 ? endpoint.substring(0, 60) + "..." : endpoint;
    return new IllegalArgumentException(
        "malformed participant endpoint '" + shown + "': " + why + "; expected host:port");
  }
}
