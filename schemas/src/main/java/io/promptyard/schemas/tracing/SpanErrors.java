package io.promptyard.schemas.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/** How a job span records the exception that ended the work it covers. */
public final class SpanErrors {

  private SpanErrors() {}

  /**
   * Records {@code e} on {@code span} and sets the span's status to error, described by the
   * exception's class name.
   *
   * @return {@code e}, for the caller to rethrow
   */
  public static <E extends Throwable> E recorded(Span span, E e) {
    span.recordException(e);
    span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
    return e;
  }
}
