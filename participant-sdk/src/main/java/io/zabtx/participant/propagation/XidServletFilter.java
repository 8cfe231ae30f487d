package io.zabtx.participant.propagation;

import io.zabtx.participant.context.DtxContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the xid of an incoming request's {@code Dtx-Xid} header to the request thread while the
 * rest of the chain runs, and unbinds it afterwards (also when the chain throws). A request without
 * the header passes untouched. A malformed header (or several different ones) is answered with 400
 * and an {@code application/problem+json} body naming the header and the value; the request goes no
 * further and nothing is bound.
 *
 * <p>Register it before filters and handlers that write to the database (e.g. with a high
 * precedence). The binding is per thread: work the handler moves to other threads (async servlet
 * processing, executors) must bind the xid there itself. Stateless and thread-safe.
 */
public final class XidServletFilter implements Filter {

  private static final Logger LOG = LoggerFactory.getLogger(XidServletFilter.class);

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse out)) {
      chain.doFilter(request, response);
      return;
    }
    List<String> values = Collections.list(http.getHeaders(DtxContext.XID_HEADER));
    if (values.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    String problem = XidText.problem("header " + DtxContext.XID_HEADER, values);
    if (problem != null) {
      LOG.debug("refused {} {}: {}", http.getMethod(), http.getRequestURI(), problem);
      refuse(out, problem);
      return;
    }
    try (DtxContext.Scope bound = DtxContext.bind(values.get(0).strip())) {
      chain.doFilter(request, response);
    }
  }

  private static void refuse(HttpServletResponse out, String detail) throws IOException {
    out.setStatus(HttpServletResponse.SC_BAD_REQUEST);
    out.setContentType("application/problem+json");
    out.setCharacterEncoding(StandardCharsets.UTF_8.name());
    out.getWriter()
        .write(
            "{\"type\":\"about:blank\",\"title\":\"Malformed "
                + DtxContext.XID_HEADER
                + " header\",\"status\":400,\"code\":\"INVALID_ARGUMENT\",\"detail\":\""
                + jsonEscape(detail)
                + "\"}");
  }

  private static String jsonEscape(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
