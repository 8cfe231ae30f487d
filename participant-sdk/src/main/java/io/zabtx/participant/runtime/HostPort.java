package io.zabtx.participant.runtime;

/** A {@code host:port} address ({@code [v6addr]:port} for IPv6), checked. */
record HostPort(String host, int port) {

  /**
   * @throws IllegalArgumentException naming the address and what is wrong with it
   */
  static HostPort parse(String address) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("address must be host:port, got '" + address + "'");
    }
    String a = address.trim();
    int colon = a.lastIndexOf(':');
    if (colon <= 0 || colon == a.length() - 1) {
      throw new IllegalArgumentException(
          "address '" + a + "' must be host:port (e.g. coordinator-1:9090 or [::1]:9090)");
    }
    String host = a.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(a.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535 || host.isEmpty()) {
      throw new IllegalArgumentException(
          "address '" + a + "' must be host:port with a port of 1..65535");
    }
    return new HostPort(host, port);
  }

  /** {@code host:port}, with brackets around an IPv6 host. */
  static String format(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
