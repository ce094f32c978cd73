package io.promptyard.schemas.logging;

import io.promptyard.schemas.ingress.ProducerText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.MDC;

/**
 * The job a thread is working on, in SLF4J's MDC, so that every line it logs meanwhile carries the
 * request id, team, provider, attempt and trace id (a JSON log line has them under {@code mdc}).
 * Opened where a service starts on a record and closed when it is done with it, on the thread that
 * does the work: the MDC is per thread, so a line the next job logs on the same thread carries none
 * of this one's fields.
 *
 * <p>Producer-supplied values are {@linkplain ProducerText#escape escaped} and cut before they go
 * in; the trace id is taken only from a well-formed W3C {@code traceparent} header.
 */
public final class JobLogContext implements AutoCloseable {

  public static final String REQUEST_ID = "requestId";
  public static final String TEAM = "team";
  public static final String PROVIDER = "provider";
  public static final String ATTEMPT = "attempt";
  public static final String TRACE_ID = "traceId";

  /** The W3C trace-context header a job's trace travels in. */
  public static final String TRACEPARENT = "traceparent";

  private static final List<String> FIELDS = List.of(REQUEST_ID, TEAM, PROVIDER, ATTEMPT, TRACE_ID);

  /** {@code version-traceid-parentid-flags}, lower-case hex; an all-zero trace id is invalid. */
  private static final Pattern TRACEPARENT_FORMAT =
      Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");

  private JobLogContext() {}

  /**
   * Starts the context of the job in a record: its request id (the record key) and, when its
   * headers carry a valid {@code traceparent}, its trace id. Whatever an earlier job left on this
   * thread is dropped first.
   */
  public static JobLogContext open(String requestId, Headers headers) {
    FIELDS.forEach(MDC::remove);
    put(REQUEST_ID, requestId);
    traceId(headers).ifPresent(id -> MDC.put(TRACE_ID, id));
    return new JobLogContext();
  }

  /** Adds the job's team, once its body is read. */
  public JobLogContext team(String team) {
    put(TEAM, team);
    return this;
  }

  /** Adds the provider the job is routed to. */
  public JobLogContext provider(String provider) {
    put(PROVIDER, provider);
    return this;
  }

  /** Adds the number of the attempt the job is on (1 for its first). */
  public JobLogContext attempt(int attempt) {
    MDC.put(ATTEMPT, Integer.toString(attempt));
    return this;
  }

  /** Replaces the request id, once the job's body names it. */
  public JobLogContext requestId(String requestId) {
    put(REQUEST_ID, requestId);
    return this;
  }

  /**
   * Replaces the trace id with that of the job's span, once one is started: a new trace's when the
   * record carried none. An id that is not 32 lower-case hex digits (a span of tracing off that has
   * no parent) leaves the one from the headers.
   */
  public JobLogContext traceId(String traceId) {
    if (traceId != null
        && traceId.length() == 32
        && traceId.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
        && !traceId.chars().allMatch(c -> c == '0')) {
      MDC.put(TRACE_ID, traceId);
    }
    return this;
  }

  /** Removes this job's fields from the thread. */
  @Override
  public void close() {
    FIELDS.forEach(MDC::remove);
  }

  /**
   * The trace id of the last {@code traceparent} header in {@code headers}, when it is well formed
   * (W3C trace context: lower-case hex, trace id not all zeros); empty otherwise.
   */
  public static Optional<String> traceId(Headers headers) {
    Header header = headers == null ? null : headers.lastHeader(TRACEPARENT);
    if (header == null || header.value() == null || header.value().length != 55) {
      return Optional.empty();
    }
    var match = TRACEPARENT_FORMAT.matcher(new String(header.value(), StandardCharsets.US_ASCII));
    if (!match.matches() || match.group(1).chars().allMatch(c -> c == '0')) {
      return Optional.empty();
    }
    return Optional.of(match.group(1));
  }

  private static void put(String field, String value) {
    if (value == null) {
      MDC.remove(field);
    } else {
      MDC.put(field, ProducerText.escape(value));
    }
  }
}
