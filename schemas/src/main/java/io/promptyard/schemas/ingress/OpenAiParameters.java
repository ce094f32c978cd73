package io.promptyard.schemas.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the JSON ingress does with each request-body field of OpenAI's chat-completions API ({@code
 * CreateChatCompletionRequest} in openai/openai-openapi), in one place.
 *
 * <p>A field is {@linkplain Handling#CARRIED carried} (read into {@code Parameters} and mapped by
 * the adapters), {@linkplain Handling#HANDLED handled} outside the parameters ({@code model},
 * {@code messages}, {@code stream}, {@code metadata}, {@code user}), or {@linkplain
 * Handling#NOT_CARRIED not carried}: no provider adapter receives it, so a request that sets one is
 * refused unless it (or its team) allows dropping parameters. A not-carried field that is {@code
 * null}, or at the value OpenAI documents as its default and that asks for nothing ({@code n: 1},
 * {@code presence_penalty: 0}, {@code logprobs: false}, …), is treated as absent: the answer is the
 * same with or without it. A top-level field that is not in the spec at all ({@code top_k}, a typo)
 * is treated as not carried too, so nothing is dropped without a word.
 */
public final class OpenAiParameters {

  /** What the ingress does with one field of the request body. */
  public enum Handling {
    /** Read into the request's {@code Parameters} and sent on by the adapters. */
    CARRIED,
    /** Read into the request outside its parameters: model, messages, stream, metadata, user. */
    HANDLED,
    /** No adapter receives it: refused, or dropped with {@code drop_params}. */
    NOT_CARRIED
  }

  /**
   * One field of the request body.
   *
   * @param handling what the ingress does with it
   * @param noEffect for a not-carried field, the value OpenAI documents as its default, which asks
   *     for nothing and is treated as absent; null when every set value is refused
   */
  private record Field(Handling handling, JsonNode noEffect) {}

  /** The most fields a reason names: a body of thousands of made-up fields gets a short one. */
  private static final int MAX_NAMED = 10;

  private static final Map<String, Field> FIELDS = new LinkedHashMap<>();

  static {
    for (String carried :
        List.of(
            "temperature",
            "top_p",
            "max_tokens",
            "max_completion_tokens",
            "stop",
            "seed",
            "tools",
            "tool_choice",
            "response_format")) {
      FIELDS.put(carried, new Field(Handling.CARRIED, null));
    }
    // user: the request's user for usage (metadata.user wins); not sent to providers.
    for (String handled : List.of("model", "messages", "stream", "metadata", "user")) {
      FIELDS.put(handled, new Field(Handling.HANDLED, null));
    }
    notCarried("n", IntNode.valueOf(1));
    notCarried("presence_penalty", IntNode.valueOf(0));
    notCarried("frequency_penalty", IntNode.valueOf(0));
    notCarried("logprobs", BooleanNode.FALSE);
    notCarried("parallel_tool_calls", BooleanNode.TRUE);
    notCarried("store", BooleanNode.FALSE);
    notCarried("service_tier", TextNode.valueOf("auto"));
    // Documented defaults that differ by model (reasoning_effort, verbosity) are not assumed.
    for (String name :
        List.of(
            "top_logprobs",
            "logit_bias",
            "reasoning_effort",
            "verbosity",
            "modalities",
            "audio",
            "prediction",
            "stream_options",
            "web_search_options",
            "safety_identifier",
            "prompt_cache_key",
            "prompt_cache_retention",
            "prompt_cache_options",
            "moderation",
            "functions",
            "function_call")) {
      notCarried(name, null);
    }
  }

  private static void notCarried(String name, JsonNode noEffect) {
    FIELDS.put(name, new Field(Handling.NOT_CARRIED, noEffect));
  }

  private OpenAiParameters() {}

  /** What the ingress does with spec field {@code name}; empty for a name it does not know. */
  public static Optional<Handling> handlingOf(String name) {
    return Optional.ofNullable(FIELDS.get(name)).map(Field::handling);
  }

  /**
   * The top-level fields of {@code body} that no adapter would receive, in body order: set
   * not-carried spec fields and fields the spec does not have. Null values and not-carried fields
   * at their no-effect default are left out.
   */
  public static List<String> uncarried(ObjectNode body) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : body.properties()) {
      Field field = FIELDS.get(e.getKey());
      JsonNode value = e.getValue();
      if (value.isNull() || (field != null && field.handling() != Handling.NOT_CARRIED)) {
        continue;
      }
      if (field == null || !sameValue(value, field.noEffect())) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Whether {@code value} is {@code noEffect}; numbers compare by value (1 and 1.0 alike). */
  private static boolean sameValue(JsonNode value, JsonNode noEffect) {
    if (noEffect == null) {
      return false;
    }
    if (value.isNumber() && noEffect.isNumber()) {
      return value.decimalValue().compareTo(noEffect.decimalValue()) == 0;
    }
    return value.equals(noEffect);
  }

  /**
   * Why a request setting {@code names} (from {@link #uncarried}) is refused, naming each and the
   * way to drop them.
   */
  public static String refusal(List<String> names) {
    return listed(names.stream().map(OpenAiParameters::why).toList())
        + "; set metadata.drop_params to drop "
        + (names.size() == 1 ? "it" : "them");
  }

  /** What the routing reason says of parameters dropped under {@code drop_params}. */
  public static String dropNote(List<String> names) {
    return "drop_params dropped "
        + listed(names.stream().map(OpenAiParameters::shortened).toList())
        + ": not carried to Promptyard's providers";
  }

  /** {@code items} joined with commas, the first {@link #MAX_NAMED} and how many more. */
  private static String listed(List<String> items) {
    if (items.size() <= MAX_NAMED) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, MAX_NAMED))
        + " and "
        + (items.size() - MAX_NAMED)
        + " more";
  }

  private static String why(String name) {
    return FIELDS.containsKey(name)
        ? "'" + name + "' is not supported by Promptyard's providers"
        : "'" + shortened(name) + "' is not a chat-completions parameter";
  }

  /** A field name the spec does not have, as a reason quotes it: at most 64 characters. */
  private static String shortened(String name) {
    return name.length() <= 64 ? name : name.substring(0, 63) + "…";
  }
}
