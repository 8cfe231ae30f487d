package io.zabtx.demo.bank;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code zabtx.demo.*}: which bank this is and where the others are.
 *
 * @param bank this bank
 * @param banks every bank's base URL as {@code name=url,name=url} (this one included)
 */
@ConfigurationProperties("zabtx.demo")
public record BankProperties(@DefaultValue Bank bank, String banks) {

  /**
   * {@code zabtx.demo.bank.*}.
   *
   * @param name this bank's name, e.g. {@code bank-a}
   * @param dataDir where its H2 database lives
   */
  public record Bank(@DefaultValue("bank-a") String name, Path dataDir) {}

  /**
   * The bank directory, by name, in the order given.
   *
   * @throws IllegalArgumentException naming the entry that is not {@code name=url}
   */
  public Map<String, String> directory() {
    Map<String, String> out = new LinkedHashMap<>();
    if (banks == null || banks.isBlank()) {
      return out;
    }
    for (String entry : banks.split(",")) {
      String e = entry.trim();
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new IllegalArgumentException(
            "zabtx.demo.banks: '" + e + "' is not name=url (e.g. bank-b=http://localhost:8182)");
      }
      String url = e.substring(eq + 1).trim();
      out.put(
          e.substring(0, eq).trim(), url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }
    return out;
  }
}
