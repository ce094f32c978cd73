package io.promptyard.schemas.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.serde.JsonMappers;

/**
 * A usage event as one flat JSON object, the value of the {@code promptyard.usage.json} mirror
 * topic: snake_case names, tokens and micro-dollars as integers, {@code occurred_at} in epoch
 * milliseconds, so a JSON converter or any language sums it without an Avro schema.
 */
public final class UsageJson {

  private static final ObjectMapper JSON = JsonMappers.mapper();

  private UsageJson() {}

  /** {@code e} as one JSON object. */
  public static ObjectNode object(UsageEvent e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("event_id", e.getEventId());
    o.put("request_id", e.getRequestId());
    o.put("team", e.getTeam());
    o.put("user", e.getUser());
    o.put("provider", e.getProvider());
    o.put("model", e.getModel());
    o.put("attempt", e.getAttempt());
    TokenUsage u = e.getUsage();
    o.put("input_tokens", u.getInputTokens());
    o.put("output_tokens", u.getOutputTokens());
    o.put("cached_input_tokens", u.getCachedInputTokens());
    o.put("reasoning_tokens", u.getReasoningTokens());
    o.put("cost_micros", e.getCostMicros());
    o.put("saved_cost_micros", e.getSavedCostMicros());
    o.put("cached", e.getCached());
    o.put("latency_ms", e.getLatencyMillis());
    o.put("error_code", e.getErrorCode() == null ? null : e.getErrorCode().name());
    o.put("occurred_at", e.getOccurredAt().toEpochMilli());
    o.put("template", e.getTemplate());
    o.put("template_version", e.getTemplateVersion());
    ObjectNode tags = o.putObject("tags");
    new java.util.TreeMap<>(e.getTags()).forEach(tags::put);
    return o;
  }
}
