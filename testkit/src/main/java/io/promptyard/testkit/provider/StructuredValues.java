package io.promptyard.testkit.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Makes up filler prose and JSON values that fit the declared types of a (simple) JSON Schema. */
final class StructuredValues {

  /** Deeper schemas are filled with empty objects, which keeps recursive schemas finite. */
  private static final int MAX_DEPTH = 4;

  private static final List<String> VOCABULARY =
      List.of(
          "the",
          "a",
          "request",
          "answer",
          "stream",
          "token",
          "partition",
          "broker",
          "record",
          "offset",
          "latency",
          "budget",
          "model",
          "provider",
          "cache",
          "retry",
          "result",
          "topic",
          "schema",
          "batch",
          "quickly",
          "carefully",
          "usually",
          "often",
          "clearly",
          "simply",
          "eventually",
          "reliably",
          "processes",
          "returns",
          "routes",
          "measures",
          "publishes",
          "validates",
          "estimates",
          "replays",
          "consistent",
          "durable",
          "ordered",
          "idempotent",
          "bounded",
          "simulated",
          "deterministic",
          "useful",
          "with",
          "for",
          "across",
          "between",
          "under",
          "within",
          "after",
          "before",
          "and",
          "while");

  private final JsonNodeFactory nodes = JsonNodeFactory.instance;

  String sentences(Random random, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append(i == 0 ? "" : " ").append(sentence(random));
    }
    return text.toString();
  }

  JsonNode valueFor(JsonNode schema, Random random) {
    return value(schema, random, 0);
  }

  private String sentence(Random random) {
    String words = words(random, 5 + random.nextInt(8));
    return Character.toUpperCase(words.charAt(0)) + words.substring(1) + ".";
  }

  private String words(Random random, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append(i == 0 ? "" : " ").append(VOCABULARY.get(random.nextInt(VOCABULARY.size())));
    }
    return text.toString();
  }

  private JsonNode value(JsonNode schema, Random random, int depth) {
    JsonNode options = schema.path("enum");
    if (options.isArray() && !options.isEmpty()) {
      return options.get(random.nextInt(options.size()));
    }
    return switch (type(schema)) {
      case "object" -> object(schema, random, depth);
      case "array" -> array(schema, random, depth);
      case "integer" -> nodes.numberNode(integer(schema, random));
      case "number" -> nodes.numberNode(decimal(schema, random));
      case "boolean" -> nodes.booleanNode(random.nextBoolean());
      case "null" -> nodes.nullNode();
      default -> nodes.textNode(words(random, 2 + random.nextInt(4)));
    };
  }

  /**
   * The declared type, the first non-null one of a type list, and "object" when only properties are
   * given.
   */
  private static String type(JsonNode schema) {
    JsonNode type = schema.path("type");
    if (type.isArray()) {
      for (JsonNode option : type) {
        if (!option.asText().equals("null")) {
          return option.asText();
        }
      }
      return "null";
    }
    return type.isTextual() ? type.asText() : schema.has("properties") ? "object" : "string";
  }

  private ObjectNode object(JsonNode schema, Random random, int depth) {
    ObjectNode object = nodes.objectNode();
    if (depth >= MAX_DEPTH) {
      return object;
    }
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      object.set(property.getKey(), value(property.getValue(), random, depth + 1));
    }
    return object;
  }

  private ArrayNode array(JsonNode schema, Random random, int depth) {
    ArrayNode array = nodes.arrayNode();
    int size = Math.max(schema.path("minItems").asInt(1), 1 + random.nextInt(3));
    for (int i = 0; i < size && depth < MAX_DEPTH; i++) {
      array.add(value(schema.path("items"), random, depth + 1));
    }
    return array;
  }

  private static long integer(JsonNode schema, Random random) {
    long min = schema.path("minimum").asLong(0);
    long max = schema.path("maximum").asLong(min + 100);
    return max <= min ? min : min + random.nextLong(max - min + 1);
  }

  /** Two decimals, within minimum and maximum when the schema gives them. */
  private static double decimal(JsonNode schema, Random random) {
    double min = schema.path("minimum").asDouble(0);
    double max = schema.path("maximum").asDouble(min + 100);
    double value = Math.round((min + random.nextDouble() * Math.max(0, max - min)) * 100) / 100.0;
    return Math.min(Math.max(value, min), max);
  }
}
