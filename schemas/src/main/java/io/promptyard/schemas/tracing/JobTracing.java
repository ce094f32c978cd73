package io.promptyard.schemas.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;

/**
 * The tracer a service's job spans are made with, and the names of what those spans carry. {@link
 * #OFF} (the default) is OpenTelemetry's no-op: its spans record nothing and only pass on the
 * context they were started in, so a job's trace context still travels (see {@link TraceHeaders})
 * at the cost of nothing measurable.
 *
 * <p>What spans carry is bounded and never secret: ids, team, provider, model, codes and counts, no
 * prompt or answer text and no key.
 */
public final class JobTracing {

  /** The name of Promptyard's instrumentation scope. */
  public static final String SCOPE = "io.promptyard";

  /** Tracing off: spans record nothing. */
  public static final JobTracing OFF = new JobTracing(OpenTelemetry.noop(), false);

  /** The longest producer-supplied value (request id, team) an attribute carries. */
  public static final int MAX_ATTRIBUTE_CHARS = 256;

  // OpenTelemetry's GenAI semantic conventions, on each provider call.
  public static final AttributeKey<String> GEN_AI_OPERATION =
      AttributeKey.stringKey("gen_ai.operation.name");
  public static final AttributeKey<String> GEN_AI_SYSTEM = AttributeKey.stringKey("gen_ai.system");
  public static final AttributeKey<String> GEN_AI_REQUEST_MODEL =
      AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<String> GEN_AI_RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  public static final AttributeKey<Long> GEN_AI_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  public static final AttributeKey<List<String>> GEN_AI_FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  // Promptyard's own.
  public static final AttributeKey<String> REQUEST_ID =
      AttributeKey.stringKey("promptyard.request.id");
  public static final AttributeKey<String> TEAM = AttributeKey.stringKey("promptyard.team");
  public static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("promptyard.provider");
  public static final AttributeKey<String> MODEL = AttributeKey.stringKey("promptyard.model");
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("promptyard.attempt");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("promptyard.outcome");
  public static final AttributeKey<String> ERROR_CODE =
      AttributeKey.stringKey("promptyard.error.code");
  public static final AttributeKey<String> CACHE_MODE =
      AttributeKey.stringKey("promptyard.cache.mode");
  public static final AttributeKey<Boolean> CACHE_HIT =
      AttributeKey.booleanKey("promptyard.cache.hit");
  public static final AttributeKey<String> GUARD = AttributeKey.stringKey("promptyard.guard");
  public static final AttributeKey<Long> FALLBACKS =
      AttributeKey.longKey("promptyard.fallback.remaining");
  public static final AttributeKey<String> FALLBACK_TO =
      AttributeKey.stringKey("promptyard.fallback.to");
  public static final AttributeKey<String> TOPIC =
      AttributeKey.stringKey("messaging.destination.name");

  private final Tracer tracer;
  private final boolean on;

  private JobTracing(OpenTelemetry telemetry, boolean on) {
    this.tracer = telemetry.getTracer(SCOPE);
    this.on = on;
  }

  /** Spans made with {@code telemetry}'s tracer: an SDK's (recorded and exported), or a test's. */
  public static JobTracing with(OpenTelemetry telemetry) {
    return new JobTracing(telemetry, true);
  }

  /** The tracer job spans are made with. */
  public Tracer tracer() {
    return tracer;
  }

  /** Whether spans are recorded; when not, attributes need not be worked out. */
  public boolean on() {
    return on;
  }

  /** A producer-supplied value cut to what an attribute carries; null stays null. */
  public static String bounded(String value) {
    return value == null || value.length() <= MAX_ATTRIBUTE_CHARS
        ? value
        : value.substring(0, MAX_ATTRIBUTE_CHARS) + "…";
  }
}
