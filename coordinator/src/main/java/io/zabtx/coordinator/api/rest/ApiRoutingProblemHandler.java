package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.annotations.Hidden;
import io.zabtx.coordinator.model.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Problems for requests under {@code /api/} that reach no controller: a wrong method (405), a wrong
 * Content-Type where a mapping declares one (415), an unknown path (404). Spring raises these
 * before it picks a handler, so {@link RestExceptionHandler}, which is scoped to this package's
 * controllers, never sees them. Outside {@code /api/} the exception is rethrown, leaving other
 * endpoints (Actuator, springdoc) to Spring's default handling.
 */
@Hidden
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ApiRoutingProblemHandler {

  private static final String API_PREFIX = "/api/";

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  Object methodNotAllowed(HttpRequestMethodNotSupportedException e, HttpServletRequest request)
      throws HttpRequestMethodNotSupportedException {
    requireApiPath(e, request);
    return Problems.response(
        e.getStatusCode(),
        ErrorCode.INVALID_ARGUMENT.name(),
        request.getMethod()
            + " is not supported on "
            + request.getRequestURI()
            + ": use "
            + String.join(
                " or ", e.getSupportedMethods() == null ? new String[0] : e.getSupportedMethods()),
        request.getRequestURI(),
        0,
        e.getHeaders());
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  Object unsupportedMediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request)
      throws HttpMediaTypeNotSupportedException {
    requireApiPath(e, request);
    return Problems.response(
        e.getStatusCode(),
        ErrorCode.INVALID_ARGUMENT.name(),
        "Content-Type '" + e.getContentType() + "' is not supported: send application/json",
        request.getRequestURI(),
        0,
        e.getHeaders());
  }

  @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
  Object noSuchEndpoint(Exception e, HttpServletRequest request) throws Exception {
    requireApiPath(e, request);
    return Problems.response(
        HttpStatus.NOT_FOUND,
        ErrorCode.NOT_FOUND.name(),
        "no endpoint "
            + request.getMethod()
            + " "
            + request.getRequestURI()
            + ": see /v3/api-docs for the API",
        request.getRequestURI(),
        0,
        HttpHeaders.EMPTY);
  }

  /** Rethrows {@code e} for a path outside the API: Spring's next resolver handles it then. */
  private static <E extends Exception> void requireApiPath(E e, HttpServletRequest request)
      throws E {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (!path.startsWith(API_PREFIX)) {
      throw e;
    }
  }
}
