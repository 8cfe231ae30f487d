package io.zabtx.bench;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** {@code --key value} options, plus the {@code R key=value} result lines. */
final class Args {

  private final Map<String, String> m;

  private Args(Map<String, String> m) {
    this.m = m;
  }

  static Args parse(String[] argv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        throw new IllegalArgumentException("expected --key value at '" + argv[i] + "'");
      }
      m.put(argv[i].substring(2), argv[++i]);
    }
    return new Args(m);
  }

  String get(String key) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }

  String get(String key, String def) {
    return m.getOrDefault(key, def);
  }

  int integer(String key, int def) {
    return Integer.parseInt(get(key, Integer.toString(def)));
  }

  /** {@code 1=a,2=b} as an ordered map. */
  TreeMap<Long, String> idMap(String key) {
    TreeMap<Long, String> r = new TreeMap<>();
    String v = m.get(key);
    if (v == null || v.isBlank()) {
      return r;
    }
    for (String p : v.split(",")) {
      String[] kv = p.split("=", 2);
      r.put(Long.parseLong(kv[0].trim()), kv[1].trim());
    }
    return r;
  }

  /** {@code name=pid,...} in order. */
  Map<String, Long> namedPids(String key) {
    Map<String, Long> r = new LinkedHashMap<>();
    String v = m.get(key);
    if (v == null || v.isBlank()) {
      return r;
    }
    for (String p : v.split(",")) {
      String[] kv = p.split("=", 2);
      r.put(kv[0].trim(), Long.parseLong(kv[1].trim()));
    }
    return r;
  }

  static InetSocketAddress address(String hostPort) {
    int i = hostPort.lastIndexOf(':');
    return new InetSocketAddress(
        hostPort.substring(0, i), Integer.parseInt(hostPort.substring(i + 1)));
  }

  /** Prints one result line for the script. */
  static void result(String prefix, String key, Object value) {
    System.out.println("R " + (prefix.isEmpty() ? "" : prefix + ".") + key + "=" + value);
    System.out.flush();
  }

  static void log(String message) {
    System.err.println("[bench] " + message);
    System.err.flush();
  }
}
