package io.zabtx.coordinator.api.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.swagger.v3.oas.annotations.Hidden;
import io.zabtx.coordinator.model.ErrorCode;
import io.zabtx.coordinator.model.TxException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collection;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure of this package's controllers into a problem (see {@link Problems}): Spring
 * MVC's own exceptions (kept at their status, code INVALID_ARGUMENT for a 4xx), malformed bodies
 * with a detail that names the field, {@link InvalidRequestException} (400), {@link TxException}
 * (its code's HTTP status) and anything else (500 INTERNAL, logged, no stack trace in the reply).
 * Failures of a controller's future arrive here too, possibly wrapped: they are unwrapped.
 */
@Hidden
@RestControllerAdvice(basePackageClasses = RestExceptionHandler.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class RestExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(RestExceptionHandler.class);

  private static final String BODY_EXAMPLE =
      "{\"protocol\": \"2PC\", \"timeoutMs\": 30000, \"name\": \"transfer\"}";

  @ExceptionHandler(InvalidRequestException.class)
  ResponseEntity<Object> invalid(InvalidRequestException e, HttpServletRequest request) {
    return Problems.response(
        HttpStatus.BAD_REQUEST, ErrorCode.INVALID_ARGUMENT.name(), e.getMessage(), path(request));
  }

  @ExceptionHandler(TxException.class)
  ResponseEntity<Object> refused(TxException e, HttpServletRequest request) {
    ErrorCode code = e.code();
    long retryAfter =
        code == ErrorCode.OVERLOADED || code == ErrorCode.NO_QUORUM ? e.retryAfterMillis() : 0;
    return Problems.response(
        HttpStatusCode.valueOf(code.httpStatus()),
        code.name(),
        e.getMessage(),
        path(request),
        retryAfter,
        HttpHeaders.EMPTY);
  }

  /**
   * Everything else, including a future's failure wrapped in {@link CompletionException} or {@link
   * ExecutionException}: unwrapped and handled as what it is.
   */
  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> other(Exception e, HttpServletRequest request, NativeWebRequest web) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TxException tx) {
      return refused(tx, request);
    }
    if (cause instanceof InvalidRequestException invalid) {
      return invalid(invalid, request);
    }
    if (cause != e && cause instanceof Exception unwrapped) {
      try {
        // Spring MVC's own exceptions keep their status; any other type is rethrown here.
        return handleException(unwrapped, web);
      } catch (Exception notSpringMvc) {
        // an unexpected failure: answered below
      }
    }
    log.error("{} {} failed", request.getMethod(), path(request), cause);
    return Problems.response(
        HttpStatus.INTERNAL_SERVER_ERROR,
        Problems.INTERNAL,
        "the coordinator failed unexpectedly; the error is logged. Commit and rollback are"
            + " idempotent: ask again, or check the transaction with GET",
        path(request));
  }

  /** Decorates every problem Spring MVC builds for its own exceptions. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ProblemDetail problem =
        body instanceof ProblemDetail given
            ? given
            : ProblemDetail.forStatusAndDetail(status, ex.getMessage());
    Problems.decorate(problem, Problems.codeFor(status), path(request));
    HttpHeaders withType = new HttpHeaders();
    withType.addAll(headers);
    withType.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return new ResponseEntity<>(problem, withType, status);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (ex instanceof StrictJsonBodyConverter.BodyTooLargeException) {
      return handleExceptionInternal(
          ex,
          ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE, ex.getMessage()),
          headers,
          HttpStatus.PAYLOAD_TOO_LARGE,
          request);
    }
    return handleExceptionInternal(
        ex, ProblemDetail.forStatusAndDetail(status, bodyDetail(ex)), headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String detail =
        "parameter '"
            + ex.getPropertyName()
            + "' is '"
            + ex.getValue()
            + "': it must be "
            + describe(ex.getRequiredType());
    return handleExceptionInternal(
        ex, ProblemDetail.forStatusAndDetail(status, detail), headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleAsyncRequestTimeoutException(
      AsyncRequestTimeoutException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String detail =
        "the coordinator did not answer in time; the request may still take effect. Commit and"
            + " rollback are idempotent: ask again, or check the transaction with GET";
    return handleExceptionInternal(
        ex, ProblemDetail.forStatusAndDetail(status, detail), headers, status, request);
  }

  /** What was wrong with a request body, and what to send instead. */
  static String bodyDetail(HttpMessageNotReadableException ex) {
    Throwable cause = ex.getCause();
    if (cause instanceof UnrecognizedPropertyException unknown) {
      Collection<Object> known = unknown.getKnownPropertyIds();
      return "unknown field '"
          + unknown.getPropertyName()
          + "': the accepted fields are "
          + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }
    if (cause instanceof MismatchedInputException mismatch) {
      String field = fieldPath(mismatch);
      if (field.isEmpty() && String.valueOf(mismatch.getOriginalMessage()).startsWith("Trailing")) {
        return "the request body has more after its JSON object"
            + at(mismatch)
            + ": send exactly one JSON object such as "
            + BODY_EXAMPLE;
      }
      if (field.isEmpty()) {
        return "the request body must be a JSON object such as " + BODY_EXAMPLE;
      }
      return "field '" + field + "' must be " + describe(mismatch.getTargetType());
    }
    if (cause instanceof JsonParseException parse) {
      return "the request body is not valid JSON ("
          + parse.getOriginalMessage()
          + at(parse)
          + "): send a JSON object such as "
          + BODY_EXAMPLE;
    }
    if (cause instanceof JsonProcessingException other) {
      return "the request body could not be read ("
          + other.getOriginalMessage()
          + at(other)
          + "): send a JSON object such as "
          + BODY_EXAMPLE;
    }
    String message = ex.getMessage() == null ? "" : ex.getMessage();
    if (message.startsWith("Required request body is missing")) {
      return "the request body is missing: send a JSON object such as " + BODY_EXAMPLE;
    }
    return "the request body could not be read: send a JSON object such as " + BODY_EXAMPLE;
  }

  private static String fieldPath(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private static String at(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
      return "a whole number";
    }
    if (type == String.class) {
      return "a string";
    }
    return "a " + type.getSimpleName();
  }

  private static String path(HttpServletRequest request) {
    return request.getRequestURI();
  }

  private static String path(WebRequest request) {
    return request instanceof NativeWebRequest nativeRequest
            && nativeRequest.getNativeRequest() instanceof HttpServletRequest http
        ? http.getRequestURI()
        : null;
  }
}
