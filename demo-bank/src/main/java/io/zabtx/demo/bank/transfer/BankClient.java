package io.zabtx.demo.bank.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zabtx.demo.bank.BankProperties;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * Calls the debit and credit endpoints of any bank (this one included) over HTTP. The {@link
 * RestClient.Builder} comes from Spring Boot with the SDK's customizer applied, so the bound xid
 * travels in the {@code Dtx-Xid} header and the called bank works in the same global transaction.
 */
@Component
public class BankClient {
  private final Map<String, String> banks;
  private final RestClient http;
  private final ObjectMapper json;

  public BankClient(BankProperties props, RestClient.Builder builder, ObjectMapper json) {
    this.banks = props.directory();
    this.json = json;
    JdkClientHttpRequestFactory factory =
        new JdkClientHttpRequestFactory(
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
    factory.setReadTimeout(Duration.ofSeconds(10));
    this.http = builder.requestFactory(factory).build();
  }

  /** Fails with a 404 when {@code bank} is not in {@code zabtx.demo.banks}. */
  public void checkKnown(AccountRef ref) {
    if (!banks.containsKey(ref.bank())) {
      throw new UnknownBankException(ref.bank(), banks.keySet());
    }
  }

  public void debit(AccountRef ref, BigDecimal amount) {
    call(ref, "debit", amount);
  }

  public void credit(AccountRef ref, BigDecimal amount) {
    call(ref, "credit", amount);
  }

  private void call(AccountRef ref, String op, BigDecimal amount) {
    checkKnown(ref);
    String url = banks.get(ref.bank()) + "/api/v1/accounts/{id}/" + op;
    try {
      http.post()
          .uri(url, ref.id())
          .contentType(MediaType.APPLICATION_JSON)
          .body(Map.of("amount", amount.toPlainString()))
          .retrieve()
          .toBodilessEntity();
    } catch (RestClientResponseException e) {
      throw new RemoteBankException(
          e.getStatusCode().value(), op + " at " + ref + ": " + detail(e));
    } catch (ResourceAccessException e) {
      throw new RemoteBankException(
          503,
          op + " at " + ref + ": bank " + ref.bank() + " unreachable (" + e.getMessage() + ")");
    }
  }

  private String detail(RestClientResponseException e) {
    try {
      JsonNode n = json.readTree(e.getResponseBodyAsString(StandardCharsets.UTF_8));
      if (n.hasNonNull("detail")) {
        return n.get("detail").asText();
      }
    } catch (Exception ignored) {
      // not a problem document: fall back to the status line
    }
    return e.getStatusCode() + " " + e.getStatusText();
  }

  /** A bank name not in the directory (HTTP 404). */
  public static class UnknownBankException extends RuntimeException {
    public UnknownBankException(String bank, Iterable<String> known) {
      super("unknown bank '" + bank + "'; known: " + String.join(", ", known));
    }
  }
}
