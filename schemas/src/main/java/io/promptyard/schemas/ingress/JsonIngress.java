package io.promptyard.schemas.ingress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CacheScope;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.RoutingStrategy;
import io.promptyard.schemas.TemplateRef;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.ToolDefinition;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Maps the JSON ingress format — an OpenAI chat-completions request body plus a {@code metadata}
 * object ({@code team}, {@code user}, {@code tags}, {@code request_id}, {@code custom_id}, {@code
 * batch_id}, {@code deadline}, {@code priority}, {@code cache}, and the routing hints {@code
 * required_capabilities}, {@code preferred_providers}, {@code excluded_providers}, {@code
 * max_cost_micros}, {@code strategy}, {@code allow_downgrade}, {@code pinned_model}, {@code
 * drop_params}) — to a {@link CompletionRequest}.
 *
 * <p>Bytes that are not a JSON object are undecodable (dead letter); a JSON object whose fields
 * have the wrong shape is an invalid request (REJECTED result). Missing team or messages are left
 * for the router's validation, which rejects them with the same reasons as for Avro requests. A
 * body beyond the {@link RequestLimits} on size or nesting depth, or of more than {@value
 * #MAX_JSON_TOKENS} JSON tokens, is rejected while it is read, before it takes memory.
 */
public final class JsonIngress {

  /**
   * The most JSON tokens (values, names, brackets) one body may have: a body of a few megabytes of
   * {@code []} would otherwise become millions of tree nodes. A request of 10,000 messages has
   * about 60,000.
   */
  public static final long MAX_JSON_TOKENS = 1_000_000;

  private static final JsonIngress DEFAULT = new JsonIngress(RequestLimits.defaults());

  /** For building bodies and arrays, never for reading untrusted input. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RequestLimits limits;
  private final ObjectMapper reader;

  private JsonIngress(RequestLimits limits) {
    this.limits = limits;
    this.reader =
        JsonMapper.builder(
                JsonFactory.builder()
                    .streamReadConstraints(
                        StreamReadConstraints.builder()
                            .maxDocumentLength(limits.maxBodyBytes())
                            .maxStringLength(limits.maxBodyBytes())
                            .maxNestingDepth(limits.maxJsonDepth())
                            .maxTokenCount(MAX_JSON_TOKENS)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
  }

  /** An ingress that refuses bodies beyond {@code limits}. */
  public static JsonIngress limitedTo(RequestLimits limits) {
    return new JsonIngress(limits);
  }

  /**
   * Reads one ingress record with the default {@link RequestLimits}.
   *
   * @param bytes the record value
   * @param recordKey the Kafka record key, used as the request id when metadata has none; may be
   *     null
   */
  public static CompletionRequest parse(byte[] bytes, String recordKey) {
    return DEFAULT.read(bytes, recordKey);
  }

  /**
   * Reads one ingress record.
   *
   * @param bytes the record value
   * @param recordKey the Kafka record key, used as the request id when metadata has none; may be
   *     null
   * @throws UndecodableRecordException when the bytes are not a JSON object
   * @throws InvalidRequestException when the body is beyond a limit or a field has the wrong shape
   */
  public CompletionRequest read(byte[] bytes, String recordKey) {
    return readBody(bytes, recordKey).request();
  }

  /**
   * A request read from a body, and the body's top-level fields that no provider adapter would
   * receive ({@link OpenAiParameters#uncarried}), for the router to refuse or drop.
   */
  public record Body(CompletionRequest request, List<String> uncarried) {
    public Body {
      uncarried = List.copyOf(uncarried);
    }
  }

  /**
   * Reads one ingress record, as {@link #read}, with the fields it does not carry.
   *
   * @throws UndecodableRecordException when the bytes are not a JSON object
   * @throws InvalidRequestException when the body is beyond a limit or a field has the wrong shape
   */
  public Body readBody(byte[] bytes, String recordKey) {
    if (bytes != null && bytes.length > limits.maxBodyBytes()) {
      throw new InvalidRequestException(
          idOf(recordKey),
          null,
          "the JSON body has "
              + bytes.length
              + " bytes; the limit is "
              + limits.maxBodyBytes()
              + " ("
              + RequestLimits.MAX_BODY_BYTES.name()
              + ")");
    }
    JsonNode root;
    try {
      root = bytes == null ? null : reader.readTree(bytes);
    } catch (StreamConstraintsException e) {
      throw new InvalidRequestException(idOf(recordKey), null, beyondLimit(e));
    } catch (IOException e) {
      throw new UndecodableRecordException(
          "not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (root == null || !root.isObject()) {
      throw new UndecodableRecordException(
          "expected a JSON object (an OpenAI chat-completions body with metadata)");
    }
    ObjectNode body = (ObjectNode) root;
    return new Body(parse(body, recordKey), OpenAiParameters.uncarried(body));
  }

  /** Which limit a body went beyond, in the words of its configuration key. */
  private String beyondLimit(StreamConstraintsException e) {
    String said = e.getOriginalMessage();
    if (said.contains("nesting depth")) {
      return "the JSON body nests arrays and objects deeper than "
          + limits.maxJsonDepth()
          + " levels ("
          + RequestLimits.MAX_JSON_DEPTH.name()
          + ")";
    }
    if (said.contains("Token count")) {
      return "the JSON body has more than "
          + MAX_JSON_TOKENS
          + " JSON tokens (values, names and brackets)";
    }
    return "the JSON body is beyond a limit: "
        + said.replaceAll(", from `StreamReadConstraints[^`]*`", "");
  }

  /** The request id a body without one gets: the record key, else a fresh UUID. */
  private static String idOf(String recordKey) {
    return recordKey != null && !recordKey.isBlank() ? recordKey : UUID.randomUUID().toString();
  }

  /** Maps an already-parsed body; see {@link #parse(byte[], String)}. */
  public static CompletionRequest parse(ObjectNode body, String recordKey) {
    JsonNode meta = body.path("metadata");
    String id = text(meta, "request_id");
    if (id == null || id.isBlank()) {
      id = idOf(recordKey);
    }
    String team = text(meta, "team");
    Fields f = new Fields(id, team);
    if (!meta.isMissingNode() && !meta.isNull() && !meta.isObject()) {
      throw f.invalid("metadata must be an object");
    }
    try {
      CompletionRequest.Builder b =
          CompletionRequest.newBuilder()
              .setId(id)
              .setTeam(team == null ? "" : team)
              .setUser(text(meta, "user") != null ? text(meta, "user") : text(body, "user"))
              .setTags(f.stringMap(meta.path("tags"), "metadata.tags"))
              .setModel(text(body, "model") == null ? "" : text(body, "model"))
              .setMessages(f.messages(body.path("messages")))
              .setParameters(f.parameters(body))
              .setRouting(f.routing(meta))
              .setCache(f.cache(meta.path("cache")))
              .setStream(body.path("stream").asBoolean(false))
              .setReplyTopic(text(meta, "reply_topic"))
              .setBatchId(text(meta, "batch_id"))
              .setCustomId(text(meta, "custom_id"))
              .setTemplate(f.template(meta.path("template")))
              .setSubmittedAt(Instant.now());
      JsonNode deadline = meta.path("deadline");
      if (!deadline.isMissingNode() && !deadline.isNull()) {
        b.setDeadline(f.instant(deadline, "metadata.deadline"));
      }
      return b.build();
    } catch (org.apache.avro.AvroRuntimeException e) {
      throw new InvalidRequestException(id, team, e.getMessage());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() && !v.isNull() ? v.asText() : null;
  }

  /** Field readers that know the request id and team, to name them in errors. */
  private record Fields(String id, String team) {

    InvalidRequestException invalid(String reason) {
      return new InvalidRequestException(id, team, reason);
    }

    /**
     * The constant of {@code type} that {@code node}'s {@code field} names, in any case and with
     * {@code -} for {@code _}; null when the field is unset.
     *
     * @param where the field's path, for the error
     * @param choices the accepted values, for the error
     */
    <E extends Enum<E>> E symbol(
        JsonNode node, String field, Class<E> type, String where, String choices) {
      String value = text(node, field);
      if (value == null) {
        return null;
      }
      try {
        return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw invalid(where + " '" + value + "' is not " + choices);
      }
    }

    /**
     * {@code metadata.template}: {@code name}, optional {@code version}, {@code variables}; a
     * variable that is not a string (a list, an object, a number) is kept as its JSON text, for the
     * template's {@code json} filter.
     */
    TemplateRef template(JsonNode node) {
      if (node.isMissingNode() || node.isNull()) {
        return null;
      }
      if (!node.isObject() || text(node, "name") == null) {
        throw invalid(
            "metadata.template must be an object with a name (and optional version and variables)");
      }
      JsonNode vars = node.path("variables");
      if (!vars.isMissingNode() && !vars.isNull() && !vars.isObject()) {
        throw invalid("metadata.template.variables must be an object");
      }
      Map<String, String> variables = new LinkedHashMap<>();
      vars.properties()
          .forEach(
              e ->
                  variables.put(
                      e.getKey(),
                      e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
      return new TemplateRef(text(node, "name"), text(node, "version"), variables);
    }

    List<Message> messages(JsonNode node) {
      if (node.isMissingNode() || node.isNull()) {
        return List.of();
      }
      if (!node.isArray()) {
        throw invalid("messages must be an array");
      }
      List<Message> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        out.add(message(node.get(i), "messages[" + i + "]"));
      }
      return out;
    }

    Message message(JsonNode m, String where) {
      if (!m.isObject()) {
        throw invalid(where + " must be an object");
      }
      Message.Builder b =
          Message.newBuilder()
              .setRole(role(text(m, "role"), where))
              .setName(text(m, "name"))
              .setToolCallId(text(m, "tool_call_id"));
      JsonNode content = m.path("content");
      if (content.isTextual()) {
        b.setText(content.asText());
      } else if (content.isArray()) {
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
          parts.add(part(content.get(i), where + ".content[" + i + "]"));
        }
        b.setParts(parts);
      } else if (!content.isMissingNode() && !content.isNull()) {
        throw invalid(where + ".content must be a string or an array of parts");
      }
      List<ToolCall> calls = new ArrayList<>();
      JsonNode tc = array(m.path("tool_calls"), where + ".tool_calls");
      for (int i = 0; i < tc.size(); i++) {
        JsonNode call = tc.get(i);
        JsonNode fn = call.path("function");
        String name = text(fn, "name");
        if (name == null) {
          throw invalid(where + ".tool_calls[" + i + "].function.name is required");
        }
        calls.add(
            new ToolCall(
                text(call, "id") == null ? "call_" + i : text(call, "id"),
                name,
                text(fn, "arguments") == null ? "{}" : text(fn, "arguments")));
      }
      return b.setToolCalls(calls).build();
    }

    Role role(String role, String where) {
      if (role == null) {
        throw invalid(where + ".role is required (system, user, assistant or tool)");
      }
      return switch (role.toLowerCase(Locale.ROOT)) {
        case "system" -> Role.SYSTEM;
        case "developer" -> Role.DEVELOPER;
        case "user" -> Role.USER;
        case "assistant" -> Role.ASSISTANT;
        case "tool" -> Role.TOOL;
        default ->
            throw invalid(
                where
                    + ".role '"
                    + role
                    + "' is not one of system, developer, user, assistant, tool");
      };
    }

    ContentPart part(JsonNode p, String where) {
      String type = text(p, "type");
      if ("text".equals(type)) {
        return ContentPart.newBuilder().setType("text").setText(text(p, "text")).build();
      }
      if ("image_url".equals(type)) {
        JsonNode image = p.path("image_url");
        String url = image.isTextual() ? image.asText() : text(image, "url");
        if (url == null) {
          throw invalid(where + ".image_url.url is required");
        }
        return ContentPart.newBuilder()
            .setType("image_url")
            .setImageUrl(url)
            .setDetail(text(image, "detail"))
            .build();
      }
      throw invalid(where + ".type '" + type + "' is not supported (text or image_url)");
    }

    Parameters parameters(JsonNode body) {
      Parameters.Builder b =
          Parameters.newBuilder()
              .setTemperature(number(body, "temperature"))
              .setTopP(number(body, "top_p"))
              .setSeed(integer(body.path("seed"), "seed"))
              .setToolChoice(toolChoice(body.path("tool_choice")));
      JsonNode maxTokens =
          body.has("max_completion_tokens")
              ? body.path("max_completion_tokens")
              : body.path("max_tokens");
      if (!maxTokens.isMissingNode() && !maxTokens.isNull()) {
        if (!maxTokens.canConvertToExactIntegral() || !maxTokens.canConvertToInt()) {
          throw invalid("max_tokens must be an integer");
        }
        b.setMaxTokens(maxTokens.asInt());
      }
      JsonNode stop = body.path("stop");
      if (stop.isTextual()) {
        b.setStop(List.of(stop.asText()));
      } else if (stop.isArray()) {
        List<String> stops = new ArrayList<>();
        for (JsonNode s : stop) {
          if (!s.isTextual()) {
            throw invalid("stop must be a string or an array of strings");
          }
          stops.add(s.asText());
        }
        b.setStop(stops);
      } else if (!stop.isMissingNode() && !stop.isNull()) {
        throw invalid("stop must be a string or an array of strings");
      }
      List<ToolDefinition> tools = new ArrayList<>();
      JsonNode t = array(body.path("tools"), "tools");
      for (int i = 0; i < t.size(); i++) {
        JsonNode fn = t.get(i).path("function");
        String name = text(fn, "name");
        if (name == null) {
          throw invalid("tools[" + i + "].function.name is required");
        }
        JsonNode params = fn.path("parameters");
        tools.add(
            new ToolDefinition(
                name, text(fn, "description"), params.isMissingNode() ? null : params.toString()));
      }
      b.setTools(tools);
      JsonNode rf = body.path("response_format");
      if (rf.isObject()) {
        String type = text(rf, "type");
        if (type == null || !List.of("text", "json_object", "json_schema").contains(type)) {
          throw invalid("response_format.type must be text, json_object or json_schema");
        }
        JsonNode js = rf.path("json_schema");
        JsonNode schema = js.path("schema");
        if ("json_schema".equals(type) && !schema.isObject()) {
          throw invalid("response_format.json_schema.schema must be a JSON Schema object");
        }
        b.setResponseFormat(
            ResponseFormat.newBuilder()
                .setType(type)
                .setSchemaName(text(js, "name"))
                .setSchemaJson(schema.isObject() ? schema.toString() : null)
                .setStrict(js.path("strict").asBoolean(false))
                .build());
      } else if (!rf.isMissingNode() && !rf.isNull()) {
        throw invalid("response_format must be an object such as {\"type\": \"json_object\"}");
      }
      return b.build();
    }

    /** The node when it is an array, an empty array when absent; wrong shapes are invalid. */
    JsonNode array(JsonNode node, String where) {
      if (node.isMissingNode() || node.isNull()) {
        return JSON.createArrayNode();
      }
      if (!node.isArray()) {
        throw invalid(where + " must be an array");
      }
      return node;
    }

    Long integer(JsonNode node, String where) {
      if (node.isMissingNode() || node.isNull()) {
        return null;
      }
      if (!node.canConvertToExactIntegral() || !node.canConvertToLong()) {
        throw invalid(where + " must be an integer");
      }
      return node.asLong();
    }

    Double number(JsonNode body, String field) {
      JsonNode v = body.path(field);
      if (v.isMissingNode() || v.isNull()) {
        return null;
      }
      if (!v.isNumber()) {
        throw invalid(field + " must be a number");
      }
      return v.asDouble();
    }

    String toolChoice(JsonNode node) {
      if (node.isTextual()) {
        return node.asText();
      }
      if (node.isObject()) {
        String name = text(node.path("function"), "name");
        if (name == null) {
          throw invalid("tool_choice.function.name is required");
        }
        return name;
      }
      return null;
    }

    RoutingHints routing(JsonNode meta) {
      RoutingHints.Builder b =
          RoutingHints.newBuilder()
              .setRequiredCapabilities(strings(meta.path("required_capabilities")))
              .setPreferredProviders(strings(meta.path("preferred_providers")))
              .setExcludedProviders(strings(meta.path("excluded_providers")));
      JsonNode maxCost = meta.path("max_cost_micros");
      if (maxCost.canConvertToLong()) {
        b.setMaxCostMicros(maxCost.asLong());
      }
      String strategy = text(meta, "strategy");
      if (strategy != null) {
        try {
          RoutingStrategy parsed =
              RoutingStrategy.valueOf(strategy.toUpperCase(Locale.ROOT).replace('-', '_'));
          if (parsed == RoutingStrategy.UNKNOWN_STRATEGY) {
            throw new IllegalArgumentException(strategy);
          }
          b.setStrategy(parsed);
        } catch (IllegalArgumentException e) {
          throw invalid(
              "metadata.strategy '"
                  + strategy
                  + "' is not cheapest, lowest_latency, weighted or pinned");
        }
      }
      Boolean downgrade = flag(meta, "allow_downgrade");
      if (downgrade != null) {
        b.setAllowDowngrade(downgrade);
      }
      Boolean dropParams = flag(meta, "drop_params");
      if (dropParams != null) {
        b.setDropParams(dropParams);
      }
      b.setPinnedModel(text(meta, "pinned_model"));
      Priority priority =
          symbol(meta, "priority", Priority.class, "metadata.priority", "interactive or batch");
      if (priority != null) {
        b.setPriority(priority);
      }
      return b.build();
    }

    /** {@code metadata.<field>} as true or false; null when absent. */
    private Boolean flag(JsonNode meta, String field) {
      JsonNode v = meta.path(field);
      if (v.isMissingNode() || v.isNull()) {
        return null;
      }
      if (!v.isBoolean()) {
        throw invalid("metadata." + field + " must be true or false");
      }
      return v.asBoolean();
    }

    CachePolicy cache(JsonNode c) {
      if (!c.isObject()) {
        return null;
      }
      CachePolicy.Builder b = CachePolicy.newBuilder();
      CacheMode mode =
          symbol(
              c,
              "mode",
              CacheMode.class,
              "metadata.cache.mode",
              "default, bypass, refresh, read-only or semantic");
      if (mode != null) {
        b.setMode(mode);
      }
      CacheScope scope =
          symbol(c, "scope", CacheScope.class, "metadata.cache.scope", "team or shared");
      if (scope != null) {
        b.setScope(scope);
      }
      if (c.path("ttl_seconds").canConvertToLong()) {
        b.setTtlSeconds(c.path("ttl_seconds").asLong());
      }
      JsonNode similarity = c.path("min_similarity");
      if (!similarity.isMissingNode() && !similarity.isNull()) {
        if (!similarity.isNumber()) {
          throw invalid("metadata.cache.min_similarity must be a number in (0, 1]");
        }
        b.setMinSimilarity(similarity.asDouble());
      }
      return b.build();
    }

    Map<String, String> stringMap(JsonNode node, String where) {
      Map<String, String> out = new LinkedHashMap<>();
      if (node.isMissingNode() || node.isNull()) {
        return out;
      }
      if (!node.isObject()) {
        throw invalid(where + " must be an object of strings");
      }
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw invalid(where + "." + e.getKey() + " must be a string");
        }
        out.put(e.getKey(), e.getValue().asText());
      }
      return out;
    }

    List<String> strings(JsonNode node) {
      List<String> out = new ArrayList<>();
      if (node.isTextual()) {
        out.add(node.asText());
      } else {
        node.forEach(n -> out.add(n.asText()));
      }
      return out;
    }

    Instant instant(JsonNode node, String where) {
      String text = node.asText();
      try {
        Instant instant;
        if (node.canConvertToExactIntegral() && node.canConvertToLong()) {
          instant = Instant.ofEpochMilli(node.asLong());
        } else if (node.isTextual() && text.matches("-?\\d{1,18}")) {
          instant = Instant.ofEpochMilli(Long.parseLong(text));
        } else if (node.isTextual()) {
          instant = Instant.parse(text);
        } else {
          throw new IllegalArgumentException(text);
        }
        // Avro timestamp-millis: an instant beyond a long of milliseconds cannot be written
        var unused = instant.toEpochMilli();
        return instant;
      } catch (RuntimeException e) {
        throw invalid(where + " '" + text + "' is not epoch milliseconds or an ISO-8601 instant");
      }
    }
  }

  /** Serialises a JSON node, for callers that build ingress bodies. */
  public static byte[] toBytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
