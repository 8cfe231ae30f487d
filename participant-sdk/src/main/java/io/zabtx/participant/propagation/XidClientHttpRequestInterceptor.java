package io.zabtx.participant.propagation;

import io.zabtx.participant.context.DtxContext;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Adds header {@code Dtx-Xid} with the xid bound to the calling thread to outgoing requests of a
 * {@code RestTemplate} ({@code getInterceptors().add(..)}) or {@code RestClient} ({@code
 * requestInterceptor(..)}); requests sent without a bound xid are left as they are. Stateless and
 * thread-safe.
 */
public final class XidClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    Optional<String> xid = DtxContext.currentXid();
    xid.ifPresent(x -> request.getHeaders().set(DtxContext.XID_HEADER, x));
    return execution.execute(request, body);
  }
}
