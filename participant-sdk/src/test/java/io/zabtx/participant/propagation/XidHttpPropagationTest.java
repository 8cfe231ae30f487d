package io.zabtx.participant.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zabtx.participant.context.DtxContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * The xid over HTTP between a RestTemplate / RestClient with {@link
 * XidClientHttpRequestInterceptor} and a real embedded Tomcat with {@link XidServletFilter}: the
 * handler sees the caller's xid bound, the request thread has none afterwards, and a malformed
 * header is refused with 400.
 */
class XidHttpPropagationTest {

  private static WebServer server;
  private static String url;
  private static final List<Optional<String>> boundAfterFilter = new CopyOnWriteArrayList<>();
  private static final AtomicInteger handled = new AtomicInteger();

  @BeforeAll
  static void start() {
    TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
    server =
        factory.getWebServer(
            ctx -> {
              // Outermost: records what the request thread has bound once the xid filter is done.
              Filter observer =
                  (req, res, chain) -> {
                    chain.doFilter(req, res);
                    boundAfterFilter.add(DtxContext.currentXid());
                  };
              ctx.addFilter("observer", observer)
                  .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
              ctx.addFilter("xid", new XidServletFilter())
                  .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
              ctx.addServlet("probe", new Probe()).addMapping("/probe");
            });
    server.start();
    url = "http://127.0.0.1:" + server.getPort() + "/probe";
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @BeforeEach
  void clear() {
    boundAfterFilter.clear();
    handled.set(0);
  }

  @Test
  void aRestTemplateCallCarriesTheBoundXidToTheHandlerAndItIsUnboundAfter() {
    RestTemplate rest = new RestTemplate();
    rest.getInterceptors().add(new XidClientHttpRequestInterceptor());

    String seen;
    try (DtxContext.Scope s = DtxContext.bind("7-42")) {
      seen = rest.getForObject(url, String.class);
    }

    assertThat(seen).isEqualTo("7-42 (header 7-42)");
    assertThat(boundAfterFilter).containsExactly(Optional.empty());
  }

  @Test
  void aRestClientCallCarriesTheBoundXidAndOneWithoutABindingSendsNoHeader() {
    RestClient rest =
        RestClient.builder().requestInterceptor(new XidClientHttpRequestInterceptor()).build();

    String bound;
    try (DtxContext.Scope s = DtxContext.bind("3-1042")) {
      bound = rest.get().uri(url).retrieve().body(String.class);
    }
    String unbound = rest.get().uri(url).retrieve().body(String.class);

    assertThat(bound).isEqualTo("3-1042 (header 3-1042)");
    assertThat(unbound).isEqualTo("none (header null)");
    assertThat(boundAfterFilter).containsOnly(Optional.empty());
  }

  @Test
  void aMalformedHeaderIsRefusedWith400AndNeverReachesTheHandler() {
    RestClient rest = RestClient.create();
    for (String bad : new String[] {"abc", "1-0", "3-1042-7", "\"}{"}) {
      assertThatThrownBy(
              () ->
                  rest.get()
                      .uri(url)
                      .header(DtxContext.XID_HEADER, bad)
                      .retrieve()
                      .body(String.class))
          .isInstanceOfSatisfying(
              HttpClientErrorException.class,
              e -> {
                assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
                assertThat(e.getResponseHeaders().getContentType())
                    .matches(t -> t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
                JsonNode problem = json(e.getResponseBodyAsString());
                assertThat(problem.get("status").asInt()).isEqualTo(400);
                assertThat(problem.get("title").asText()).isEqualTo("Malformed Dtx-Xid header");
                assertThat(problem.get("detail").asText())
                    .contains("'" + bad + "'", "not an xid", "<epoch>-<counter>");
              });
    }
    assertThat(handled).hasValue(0);
    assertThat(boundAfterFilter).containsOnly(Optional.empty());
  }

  @Test
  void severalDifferentHeadersAreRefused() {
    assertThatThrownBy(
            () ->
                RestClient.create()
                    .get()
                    .uri(url)
                    .header(DtxContext.XID_HEADER, "1-1", "1-2")
                    .retrieve()
                    .body(String.class))
        .isInstanceOfSatisfying(
            HttpClientErrorException.class,
            e -> assertThat(e.getResponseBodyAsString()).contains("different values"));
    assertThat(handled).hasValue(0);
  }

  private static JsonNode json(String body) {
    try {
      return new ObjectMapper().readTree(body);
    } catch (IOException e) {
      throw new AssertionError("the problem body is not JSON: " + body, e);
    }
  }

  /** Answers with the xid bound while it runs and the header it received. */
  static final class Probe extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
      handled.incrementAndGet();
      res.setContentType("text/plain");
      res.getWriter()
          .write(
              DtxContext.currentXid().orElse("none")
                  + " (header "
                  + req.getHeader(DtxContext.XID_HEADER)
                  + ")");
    }
  }
}
