package io.zabtx.coordinator.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.http.MockHttpInputMessage;

/** The size bound without a Content-Length (chunked), and the shared mapper left lenient. */
class StrictJsonBodyConverterTest {

  private final ObjectMapper shared = new ObjectMapper();
  private final StrictJsonBodyConverter converter = new StrictJsonBodyConverter(shared);

  @Test
  void anUndeclaredOversizedBodyIsRefusedAfterOneByteTooMany() {
    AtomicLong bytesRead = new AtomicLong();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            bytesRead.incrementAndGet();
            return ' ';
          }
        };
    MockHttpInputMessage input = new MockHttpInputMessage(endless);
    input.getHeaders().setContentType(MediaType.APPLICATION_JSON);

    assertThatThrownBy(() -> converter.read(BeginBody.class, input))
        .isInstanceOf(StrictJsonBodyConverter.BodyTooLargeException.class)
        .hasMessage(
            "the request body is over 16384 bytes: at most 16384 bytes (16 KiB) are accepted");
    assertThat(bytesRead.get()).isEqualTo(StrictJsonBodyConverter.MAX_BODY_BYTES + 1);
  }

  @Test
  void readsOnlyTheApiBodiesAndWritesNothing() {
    assertThat(converter.canRead(BeginBody.class, MediaType.APPLICATION_JSON)).isTrue();
    assertThat(converter.canRead(String.class, MediaType.APPLICATION_JSON)).isFalse();
    assertThat(converter.canRead(BeginBody.class, MediaType.TEXT_PLAIN)).isFalse();
    assertThat(converter.canWrite(BeginBody.class, MediaType.APPLICATION_JSON)).isFalse();
  }

  @Test
  void theSharedMapperKeepsItsOwnSettings() throws Exception {
    ObjectMapper lenient =
        new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    new StrictJsonBodyConverter(lenient);

    BeginBody body = lenient.readValue("{\"protocol\": \"2PC\", \"extra\": 1}", BeginBody.class);
    assertThat(body.protocol()).isEqualTo("2PC");
    MockHttpInputMessage input =
        new MockHttpInputMessage(
            new ByteArrayInputStream("{\"protocol\": \"2PC\"}".getBytes(StandardCharsets.UTF_8)));
    assertThat(new StrictJsonBodyConverter(lenient).read(BeginBody.class, input))
        .isEqualTo(new BeginBody("2PC", null, null));
  }
}
