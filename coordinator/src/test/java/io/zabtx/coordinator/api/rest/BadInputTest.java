package io.zabtx.coordinator.api.rest;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.zabtx.coordinator.api.CoordinatorApi;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Every bad input is refused by the REST layer itself: a problem with code INVALID_ARGUMENT (400,
 * or the precise HTTP status where there is one), a detail that says what was wrong, and no call to
 * the coordinator.
 */
@WebMvcTest(controllers = {TransactionController.class, ClusterController.class})
class BadInputTest {

  @Autowired MockMvc mvc;

  @MockitoBean CoordinatorApi coordinator;

  static Stream<Arguments> badBodies() {
    return Stream.of(
        bad("malformed JSON", "{\"protocol\": ", "not valid JSON"),
        bad("not JSON at all", "protocol=2PC", "not valid JSON"),
        bad("empty body", "", "request body is missing"),
        bad("unknown field", "{\"protocol\": \"2PC\", \"timeout\": 5}", "unknown field 'timeout'"),
        bad("duplicate field", "{\"protocol\": \"2PC\", \"protocol\": \"3PC\"}", "Duplicate field"),
        bad("trailing content", "{\"protocol\": \"2PC\"} {}", "more after its JSON object"),
        bad("array body", "[\"2PC\"]", "must be a JSON object"),
        bad("string body", "\"2PC\"", "must be a JSON object"),
        bad(
            "timeout as string",
            "{\"protocol\": \"2PC\", \"timeoutMs\": \"30000\"}",
            "'timeoutMs' must be a whole number"),
        bad(
            "timeout as fraction",
            "{\"protocol\": \"2PC\", \"timeoutMs\": 1.5}",
            "'timeoutMs' must be a whole number"),
        bad(
            "timeout as boolean",
            "{\"protocol\": \"2PC\", \"timeoutMs\": true}",
            "'timeoutMs' must be a whole number"),
        bad(
            "timeout beyond long",
            "{\"protocol\": \"2PC\", \"timeoutMs\": 99999999999999999999}",
            "out of range"),
        bad("protocol as number", "{\"protocol\": 2}", "'protocol' must be a string"),
        bad("protocol as object", "{\"protocol\": {}}", "'protocol' must be a string"),
        bad("name as number", "{\"protocol\": \"2PC\", \"name\": 5}", "'name' must be a string"),
        bad("missing protocol", "{\"timeoutMs\": 1000}", "protocol is required"),
        bad("null protocol", "{\"protocol\": null}", "protocol is required"),
        bad("blank protocol", "{\"protocol\": \" \"}", "protocol is required"),
        bad(
            "unknown protocol",
            "{\"protocol\": \"4PC\"}",
            "unknown protocol '4PC': use 2PC or 3PC"),
        bad(
            "negative timeout",
            "{\"protocol\": \"2PC\", \"timeoutMs\": -1}",
            "timeoutMs -1 is out of range"),
        bad(
            "timeout over 24 h",
            "{\"protocol\": \"2PC\", \"timeoutMs\": 86400001}",
            "timeoutMs 86400001 is out of range"),
        bad(
            "name too long",
            "{\"protocol\": \"2PC\", \"name\": \"" + "x".repeat(257) + "\"}",
            "name is 257 characters long"));
  }

  private static Arguments bad(String what, String body, String detail) {
    return Arguments.of(what, body, detail);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void badBeginBodyIs400(String what, String body, String detail) throws Exception {
    mvc.perform(post("/api/v1/transactions").contentType(MediaType.APPLICATION_JSON).content(body))
        .andExpect(request().asyncNotStarted())
        .andExpect(status().isBadRequest())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("INVALID_ARGUMENT"))
        .andExpect(jsonPath("$.status").value(400))
        .andExpect(jsonPath("$.type").value("urn:zabtx:problem:invalid_argument"))
        .andExpect(jsonPath("$.title").value("Invalid request"))
        .andExpect(jsonPath("$.instance").value("/api/v1/transactions"))
        .andExpect(jsonPath("$.detail", containsString(detail)));
    verifyNoInteractions(coordinator);
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        bad("malformed xid", get("/api/v1/transactions/abc"), "'abc' is not an xid"),
        bad("zero epoch", post("/api/v1/transactions/0-1/commit"), "'0-1' is not an xid"),
        bad("xid with spaces", post("/api/v1/transactions/1- 2/rollback"), "is not an xid"),
        bad(
            "unknown wait",
            post("/api/v1/transactions/1-2/commit").param("wait", "forever"),
            "wait 'forever' is not supported"),
        bad(
            "unknown status",
            get("/api/v1/transactions").param("status", "DONE"),
            "status 'DONE' is not a transaction status: use one of ACTIVE, PREPARING"),
        bad(
            "unspecified status",
            get("/api/v1/transactions").param("status", "STATUS_UNSPECIFIED"),
            "is not a transaction status"),
        bad(
            "negative page",
            get("/api/v1/transactions").param("page", "-1"),
            "page -1 is negative"),
        bad(
            "page not a number",
            get("/api/v1/transactions").param("page", "two"),
            "parameter 'page' is 'two': it must be a whole number"),
        bad(
            "size 0",
            get("/api/v1/transactions").param("size", "0"),
            "size 0 is out of range: use 1 to 500"),
        bad(
            "size 501",
            get("/api/v1/transactions").param("size", "501"),
            "size 501 is out of range"),
        bad(
            "size fraction",
            get("/api/v1/transactions").param("size", "1.5"),
            "parameter 'size' is '1.5'"));
  }

  private static Arguments bad(String what, MockHttpServletRequestBuilder request, String detail) {
    return Arguments.of(what, request, detail);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badPathOrQueryIs400(String what, MockHttpServletRequestBuilder request, String detail)
      throws Exception {
    mvc.perform(request)
        .andExpect(request().asyncNotStarted())
        .andExpect(status().isBadRequest())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("INVALID_ARGUMENT"))
        .andExpect(jsonPath("$.detail", containsString(detail)));
    verifyNoInteractions(coordinator);
  }

  @Test
  void bodyOver16KiBIs413BeforeParsing() throws Exception {
    // Not even JSON: the size alone decides, nothing is parsed.
    byte[] body = new byte[StrictJsonBodyConverter.MAX_BODY_BYTES + 1];
    Arrays.fill(body, (byte) '{');
    mvc.perform(post("/api/v1/transactions").contentType(MediaType.APPLICATION_JSON).content(body))
        .andExpect(status().isPayloadTooLarge())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("INVALID_ARGUMENT"))
        .andExpect(
            jsonPath("$.detail")
                .value(
                    "the request body is 16385 bytes: at most 16384 bytes (16 KiB) are accepted"));
    verifyNoInteractions(coordinator);
  }

  @Test
  void bodyOf16KiBExactlyIsRead() throws Exception {
    String prefix = "{\"protocol\": \"2PC\", \"name\": \"";
    String suffix = "\"}";
    // A valid body of exactly the limit (padded with spaces) reaches validation: the name is long.
    String name = "x".repeat(300);
    String padding =
        " "
            .repeat(
                StrictJsonBodyConverter.MAX_BODY_BYTES
                    - prefix.length()
                    - name.length()
                    - suffix.length());
    String body = prefix + name + suffix + padding;
    mvc.perform(post("/api/v1/transactions").contentType(MediaType.APPLICATION_JSON).content(body))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail", containsString("name is 300 characters long")));
    verifyNoInteractions(coordinator);
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    mvc.perform(
            post("/api/v1/transactions")
                .contentType(MediaType.TEXT_PLAIN)
                .content("{\"protocol\": \"2PC\"}"))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("INVALID_ARGUMENT"))
        .andExpect(jsonPath("$.instance").value("/api/v1/transactions"))
        .andExpect(jsonPath("$.detail", containsString("text/plain")));
    verifyNoInteractions(coordinator);
  }

  @Test
  void missingContentTypeIs415() throws Exception {
    mvc.perform(post("/api/v1/transactions").content("{\"protocol\": \"2PC\"}"))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("INVALID_ARGUMENT"));
    verifyNoInteractions(coordinator);
  }

  @Test
  void unsupportedMethodIs405WithAllow() throws Exception {
    mvc.perform(delete("/api/v1/transactions/1-2"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(header().string("Allow", "GET"))
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("INVALID_ARGUMENT"))
        .andExpect(jsonPath("$.instance").value("/api/v1/transactions/1-2"))
        .andExpect(
            jsonPath("$.detail")
                .value("DELETE is not supported on /api/v1/transactions/1-2: use GET"));
    mvc.perform(put("/api/v1/cluster"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("INVALID_ARGUMENT"));
    mvc.perform(get("/api/v1/transactions/1-2/commit"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(jsonPath("$.detail", containsString("use POST")));
    verifyNoInteractions(coordinator);
  }

  @Test
  void unknownApiPathIs404Problem() throws Exception {
    mvc.perform(get("/api/v1/nothing-here"))
        .andExpect(status().isNotFound())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("NOT_FOUND"))
        .andExpect(jsonPath("$.detail", containsString("no endpoint GET /api/v1/nothing-here")));
    verifyNoInteractions(coordinator);
  }
}
