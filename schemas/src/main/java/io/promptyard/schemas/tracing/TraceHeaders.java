package io.promptyard.schemas.tracing;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A job's trace context in the headers of its Kafka records: the W3C {@code traceparent} and {@code
 * tracestate} headers, read from the record a service consumes and written on every record it
 * derives from it (route, retry, result, chunk, usage, dead letter). The one place the services
 * carry a trace from record to record.
 *
 * <p>Always the W3C trace-context propagator, whether tracing is on or not: with tracing off the
 * context read is written back unchanged, so a producer's trace id still follows its job. Headers
 * are producer-supplied: the propagator accepts only a well-formed {@code traceparent}, and a
 * header value longer than {@link #MAX_VALUE_BYTES} is not read at all.
 */
public final class TraceHeaders {

  /** The W3C trace-context header that carries a trace id and its parent span id. */
  public static final String TRACEPARENT = "traceparent";

  /** The W3C header of vendors' trace state, carried along with {@link #TRACEPARENT}. */
  public static final String TRACESTATE = "tracestate";

  /**
   * The longest header value read: a {@code traceparent} is 55 characters, a {@code tracestate} at
   * most 32 members of 256; anything longer is not a trace context.
   */
  public static final int MAX_VALUE_BYTES = 8_192;

  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

  /** Reads a header's last value as text (Kafka allows repeated names; the last one wins). */
  public static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          List<String> keys = new ArrayList<>();
          for (Header h : headers) {
            keys.add(h.key());
          }
          return keys;
        }

        @Override
        public String get(Headers headers, String key) {
          if (headers == null) {
            return null;
          }
          Header h = headers.lastHeader(key);
          if (h == null || h.value() == null || h.value().length > MAX_VALUE_BYTES) {
            return null;
          }
          return new String(h.value(), StandardCharsets.US_ASCII);
        }
      };

  /** Writes a header, replacing every earlier header of the same name. */
  public static final TextMapSetter<Headers> SETTER =
      (headers, key, value) -> {
        if (headers != null) {
          headers.remove(key);
          headers.add(key, value.getBytes(StandardCharsets.US_ASCII));
        }
      };

  private TraceHeaders() {}

  /**
   * The trace context in {@code headers}, as the parent of {@code base}: {@code base} itself when
   * they carry none, or none that is well formed.
   */
  public static Context extract(Context base, Headers headers) {
    return W3C.extract(base, headers, GETTER);
  }

  /** The trace context in {@code headers}, or the root context when they carry none. */
  public static Context extract(Headers headers) {
    return extract(Context.root(), headers);
  }

  /**
   * Writes {@code context}'s span into {@code headers}, replacing the trace headers they had; a
   * context without a valid span writes nothing.
   */
  public static void inject(Context context, Headers headers) {
    W3C.inject(context, headers, SETTER);
  }

  /** Writes the current span ({@link Context#current()}) into {@code headers}. */
  public static void injectCurrent(Headers headers) {
    inject(Context.current(), headers);
  }
}
