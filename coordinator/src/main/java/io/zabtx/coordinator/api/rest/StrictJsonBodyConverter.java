package io.zabtx.coordinator.api.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;

/**
 * Reads the REST API's request bodies, and only those: at most {@link #MAX_BODY_BYTES} (counted
 * before any parsing, so an oversized body costs no parse), strict JSON (unknown or duplicate
 * fields, trailing content and loose type coercions such as {@code "30000"} or {@code 1.5} for a
 * number are errors). Spring Boot's shared {@link ObjectMapper} ignores unknown fields; this
 * converter uses a stricter copy so the global configuration stays as it is.
 *
 * <p>Spring Boot places {@code HttpMessageConverter} beans before its defaults; this one claims
 * nothing but {@link #BODY_TYPES} and never writes.
 */
@Component
final class StrictJsonBodyConverter extends AbstractHttpMessageConverter<Object> {

  /** The largest request body accepted; larger ones get 413. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  private static final Set<Class<?>> BODY_TYPES = Set.of(BeginBody.class);

  private final ObjectMapper strictMapper;

  StrictJsonBodyConverter(ObjectMapper sharedMapper) {
    super(MediaType.APPLICATION_JSON, new MediaType("application", "*+json"));
    this.strictMapper = strict(sharedMapper.copy());
  }

  private static ObjectMapper strict(ObjectMapper mapper) {
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    for (LogicalType numeric : List.of(LogicalType.Integer, LogicalType.Float)) {
      mapper
          .coercionConfigFor(numeric)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  @Override
  protected boolean supports(Class<?> clazz) {
    return BODY_TYPES.contains(clazz);
  }

  @Override
  public boolean canWrite(Class<?> clazz, MediaType mediaType) {
    return false;
  }

  @Override
  protected Object readInternal(Class<?> clazz, HttpInputMessage input) throws IOException {
    long declaredLength = input.getHeaders().getContentLength();
    if (declaredLength > MAX_BODY_BYTES) {
      throw new BodyTooLargeException(declaredLength, input);
    }
    byte[] body;
    try (InputStream in = input.getBody()) {
      // One byte more than allowed tells an oversized body without a Content-Length from a full
      // one, without reading the rest.
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new BodyTooLargeException(-1, input);
    }
    try {
      return strictMapper.readValue(body, clazz);
    } catch (JsonProcessingException e) {
      throw new HttpMessageNotReadableException(e.getOriginalMessage(), e, input);
    }
  }

  @Override
  protected void writeInternal(Object value, HttpOutputMessage output) {
    throw new UnsupportedOperationException("reads request bodies only");
  }

  /** A body over {@link #MAX_BODY_BYTES}; {@code declaredLength} is -1 when not declared. */
  static final class BodyTooLargeException extends HttpMessageNotReadableException {

    BodyTooLargeException(long declaredLength, HttpInputMessage input) {
      super(
          "the request body is "
              + (declaredLength >= 0
                  ? declaredLength + " bytes"
                  : "over " + MAX_BODY_BYTES + " bytes")
              + ": at most "
              + MAX_BODY_BYTES
              + " bytes (16 KiB) are accepted",
          input);
    }
  }
}
