package io.zabtx.coordinator.config;

/**
 * One coordinator node of the cluster and its addresses.
 *
 * @param id the node's server id (positive, unique)
 * @param host the host name or address the other nodes and clients reach it at
 * @param peerPort ZAB peer port
 * @param grpcPort client and participant gRPC API port
 * @param httpPort REST / Actuator port (0 if not given)
 */
public record Member(long id, String host, int peerPort, int grpcPort, int httpPort) {

  /** {@code host:grpcPort}, where its gRPC API listens. */
  public String grpcAddress() {
    return host + ":" + grpcPort;
  }

  /** {@code http://host:httpPort}, or "" when the HTTP port is not known. */
  public String httpUrl() {
    return httpPort > 0 ? "http://" + host + ":" + httpPort : "";
  }

  /**
   * Parses {@code id=host:peerPort:grpcPort[:httpPort]}.
   *
   * @throws InvalidConfigurationException naming the entry and the expected form
   */
  static Member parse(String text) {
    String form = "expected id=host:peerPort:grpcPort[:httpPort], e.g. 1=10.0.0.1:7070:9090:8080";
    String t = text == null ? "" : text.trim();
    int eq = t.indexOf('=');
    if (eq <= 0) {
      throw new InvalidConfigurationException(
          "zabtx.cluster.members entry '" + t + "' is malformed: " + form);
    }
    long id;
    try {
      id = Long.parseLong(t.substring(0, eq).trim());
    } catch (NumberFormatException e) {
      throw new InvalidConfigurationException(
          "zabtx.cluster.members entry '" + t + "' has a non-numeric id: " + form);
    }
    if (id <= 0) {
      throw new InvalidConfigurationException(
          "zabtx.cluster.members entry '" + t + "': node ids must be positive");
    }
    String[] parts = t.substring(eq + 1).trim().split(":");
    if (parts.length < 3 || parts.length > 4 || parts[0].isBlank()) {
      throw new InvalidConfigurationException(
          "zabtx.cluster.members entry '" + t + "' is malformed: " + form);
    }
    return new Member(
        id,
        parts[0].trim(),
        port(t, parts[1]),
        port(t, parts[2]),
        parts.length == 4 ? port(t, parts[3]) : 0);
  }

  private static int port(String entry, String p) {
    try {
      int port = Integer.parseInt(p.trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new InvalidConfigurationException(
        "zabtx.cluster.members entry '" + entry + "' has an invalid port '" + p + "' (1-65535)");
  }
}
