package io.zabtx.demo.bank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Banks as real Spring Boot applications in this JVM (each its own context, HTTP port, participant
 * endpoint and H2 file), and an HTTP client for their API.
 */
final class BankFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final List<ConfigurableApplicationContext> running = new ArrayList<>();

  /** Starts bank {@code name} on {@code port}, its database under {@code dir}. */
  ConfigurableApplicationContext start(
      String name, int port, Path dir, String banks, List<String> coordinators) {
    ConfigurableApplicationContext ctx =
        SpringApplication.run(
            BankApplication.class,
            "--server.port=" + port,
            "--server.address=127.0.0.1",
            "--zabtx.demo.bank.name=" + name,
            "--zabtx.demo.bank.data-dir=" + dir.resolve(name),
            "--zabtx.demo.banks=" + banks,
            "--zabtx.participant.coordinators=" + String.join(",", coordinators),
            "--zabtx.participant.endpoint.host=127.0.0.1",
            "--zabtx.participant.endpoint.port=0",
            "--zabtx.participant.datasource.lock-wait=1s",
            "--logging.level.root=WARN");
    running.add(ctx);
    return ctx;
  }

  /** A response: status and parsed JSON body (null when empty). */
  record Reply(int status, JsonNode body, String contentType) {}

  static Reply post(String url, Object body, Map<String, String> headers) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      body instanceof String s ? s : JSON.writeValueAsString(body)));
      headers.forEach(b::header);
      return send(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Reply post(String url, Object body) {
    return post(url, body, Map.of());
  }

  static Reply get(String url) {
    return send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  static String getText(String url) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = r.body().isEmpty() ? null : JSON.readTree(r.body());
      return new Reply(r.statusCode(), body, r.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
    running.clear();
  }
}
