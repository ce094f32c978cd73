package io.promptyard.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * JSON ingress bodies as a careless or hostile producer writes them: generated from the fields the
 * ingress reads, each given a value of the right shape or of any other, and {@link Mutations
 * byte-level mutations} of such bodies.
 */
final class HostileJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Every name the JSON ingress reads, anywhere in a body. */
  private static final List<String> FIELDS =
      List.of(
          "model",
          "messages",
          "role",
          "content",
          "type",
          "text",
          "image_url",
          "url",
          "detail",
          "name",
          "tool_call_id",
          "tool_calls",
          "function",
          "arguments",
          "id",
          "temperature",
          "top_p",
          "max_tokens",
          "max_completion_tokens",
          "seed",
          "stop",
          "tools",
          "parameters",
          "description",
          "tool_choice",
          "response_format",
          "json_schema",
          "schema",
          "strict",
          "stream",
          "user",
          "metadata",
          "team",
          "request_id",
          "tags",
          "custom_id",
          "batch_id",
          "priority",
          "deadline",
          "cache",
          "mode",
          "scope",
          "ttl_seconds",
          "required_capabilities",
          "preferred_providers",
          "excluded_providers",
          "max_cost_micros",
          "strategy",
          "allow_downgrade",
          "pinned_model",
          "reply_topic",
          "template",
          "version",
          "variables",
          "docs",
          "x");

  /** Strings that mean something to some field, and strings that mean trouble. */
  private static final List<String> STRINGS =
      List.of(
          "",
          " ",
          "cheap",
          "smart",
          "fast",
          "alpha/a-mini",
          "beta/b-vision",
          "gamma/g-mini",
          "nope/none",
          "user",
          "system",
          "assistant",
          "tool",
          "developer",
          "USER",
          "text",
          "image_url",
          "json_schema",
          "json_object",
          "interactive",
          "batch",
          "cheapest",
          "lowest_latency",
          "weighted",
          "pinned",
          "bypass",
          "read-only",
          "shared",
          "team",
          "vision",
          "tools",
          "streaming",
          "2026-11-23T10:00:00Z",
          "1790000000000",
          "-1",
          "9999999999999999999999",
          "not-a-date",
          "team-a",
          "spin",
          "echo",
          "1",
          "[1,2,3]",
          "{\"a\":1}",
          "[[[[[[[[",
          "{{ x }}",
          "{% for i in range(0, 100000000) %}{% endfor %}",
          "\u0000",
          "\uD800",
          "\uDFFF",
          "😀",
          "é",
          "\u202E",
          "a".repeat(300),
          "promptyard-internal",
          "https://example.com/cat.png",
          "data:image/png;base64,AAAA");

  /** What byte-level mutations insert into JSON: structure, escapes, and a deep nest. */
  private static final List<byte[]> JSON_TOKENS =
      java.util.stream.Stream.of(
              "{",
              "}",
              "[",
              "]",
              "\"",
              ",",
              ":",
              "\\",
              "null",
              "1e999",
              "\u0000",
              "\"\\ud800\"",
              "[".repeat(100))
          .map(t -> t.getBytes(StandardCharsets.UTF_8))
          .toList();

  private static final List<Number> NUMBERS =
      List.of(
          0,
          1,
          -1,
          2,
          0.5,
          1.5,
          2.5,
          -0.0,
          1e-300,
          1e308,
          -1e308,
          Integer.MAX_VALUE,
          Integer.MIN_VALUE,
          Long.MAX_VALUE,
          Long.MIN_VALUE,
          new BigInteger("99999999999999999999999"),
          new BigDecimal("1e400"),
          new BigDecimal("-1e-400"),
          4096,
          1_000_000);

  private HostileJson() {}

  /** A body: generated field by field half of the time, a mutated well-formed one otherwise. */
  static byte[] body(Random random) {
    if (random.nextBoolean()) {
      return bytes(generated(random));
    }
    return Mutations.mutate(random, bytes(generated(random)), JSON_TOKENS);
  }

  /**
   * A body shaped like a chat request, whose every part may have the wrong shape or an extra field.
   */
  static ObjectNode generated(Random random) {
    ObjectNode body = NODES.objectNode();
    body.set(
        "model",
        chance(random, 0.8)
            ? NODES.textNode(pick(random, STRINGS.subList(2, 9)))
            : value(random, 2));
    if (chance(random, 0.9)) {
      ArrayNode messages = body.putArray("messages");
      int n = random.nextInt(4);
      for (int i = 0; i < n; i++) {
        messages.add(chance(random, 0.8) ? message(random) : value(random, 3));
      }
    }
    ObjectNode meta = body.putObject("metadata");
    if (chance(random, 0.85)) {
      meta.put("team", chance(random, 0.8) ? "team-" + random.nextInt(3) : pick(random, STRINGS));
    }
    if (chance(random, 0.8)) {
      meta.put("request_id", "fuzz-" + Long.toHexString(random.nextLong()));
    }
    if (chance(random, 0.1)) {
      ObjectNode template = meta.putObject("template");
      template.put("name", chance(random, 0.7) ? "echo" : "spin");
      template.set("variables", chance(random, 0.8) ? variables(random) : value(random, 2));
    }
    int extras = random.nextInt(5);
    for (int i = 0; i < extras; i++) {
      (chance(random, 0.5) ? body : meta).set(pick(random, FIELDS), value(random, 4));
    }
    return body;
  }

  private static JsonNode message(Random random) {
    ObjectNode m = NODES.objectNode();
    m.put(
        "role",
        chance(random, 0.8)
            ? pick(random, List.of("user", "system", "assistant"))
            : pick(random, STRINGS));
    if (chance(random, 0.7)) {
      m.put(
          "content",
          chance(random, 0.7) ? "Say hello " + random.nextInt(1000) : pick(random, STRINGS));
    } else {
      ArrayNode parts = m.putArray("content");
      int n = random.nextInt(3);
      for (int i = 0; i < n; i++) {
        ObjectNode p = parts.addObject();
        p.put("type", pick(random, List.of("text", "image_url", "audio")));
        p.set(chance(random, 0.5) ? "text" : "image_url", value(random, 2));
      }
    }
    return m;
  }

  private static ObjectNode variables(Random random) {
    ObjectNode v = NODES.objectNode();
    v.set("x", value(random, 2));
    if (chance(random, 0.5)) {
      v.put(
          "docs", pick(random, List.of("[1,2,3]", "[]", "not json", "[[[[1]]]]", "{\"a\":[1,2]}")));
    }
    return v;
  }

  /** Any JSON value, nested at most {@code depth} deep. */
  static JsonNode value(Random random, int depth) {
    int kind = random.nextInt(depth <= 0 ? 4 : 6);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.textNode(pick(random, STRINGS));
      case 3 -> number(pick(random, NUMBERS));
      case 4 -> {
        ArrayNode a = NODES.arrayNode();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.add(value(random, depth - 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          o.set(pick(random, FIELDS), value(random, depth - 1));
        }
        yield o;
      }
    };
  }

  private static JsonNode number(Number n) {
    return switch (n) {
      case Integer i -> NODES.numberNode(i);
      case Long l -> NODES.numberNode(l);
      case Double d -> NODES.numberNode(d);
      case BigInteger b -> NODES.numberNode(b);
      case BigDecimal b -> NODES.numberNode(b);
      default -> NODES.numberNode(n.doubleValue());
    };
  }

  static byte[] bytes(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  static boolean chance(Random random, double p) {
    return random.nextDouble() < p;
  }

  static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
