package io.promptyard.router.guard;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The texts the guard reads in a tool call's arguments (a conversation's earlier assistant turns
 * carry them, with whatever the model copied into them), and the arguments with those texts
 * redacted.
 *
 * <p>Arguments that are a JSON object or array with at most {@value #MOST_VALUES} strings and
 * numbers are read value by value, in document order, so that a redacted value becomes a JSON
 * string with its placeholders and the arguments stay JSON. Anything else (text that is not JSON,
 * as a model may produce; JSON with trailing text or a repeated key, which a reader could take
 * differently; more values) is read, and redacted, whole.
 */
public final class ToolArguments {

  /** The most values read one by one; more are read as the arguments' whole text. */
  static final int MOST_VALUES = 64;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  private ToolArguments() {}

  /** The texts of {@code arguments}, in the order {@link #redacted} takes their redactions. */
  public static List<String> texts(String arguments) {
    JsonNode root = parsed(arguments);
    if (root == null) {
      return List.of(arguments);
    }
    List<String> texts = new ArrayList<>();
    collect(root, texts);
    return texts;
  }

  /**
   * {@code arguments} with each of its {@link #texts} replaced by the next text {@code redacted}
   * gives; the arguments themselves when none changed.
   */
  static String redacted(String arguments, Supplier<String> redacted) {
    JsonNode root = parsed(arguments);
    if (root == null) {
      return redacted.get();
    }
    if (!replace(root, redacted)) {
      return arguments;
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree could not be written again", e);
    }
  }

  /** The arguments' JSON, or null when they are to be read whole. */
  private static JsonNode parsed(String arguments) {
    JsonNode root;
    try {
      root = JSON.readTree(arguments);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (root == null || !root.isContainerNode() || count(root) > MOST_VALUES) {
      return null;
    }
    return root;
  }

  private static boolean read(JsonNode node) {
    return node.isTextual() || node.isNumber();
  }

  private static int count(JsonNode node) {
    if (read(node)) {
      return 1;
    }
    int count = 0;
    for (JsonNode child : node) {
      count += count(child);
      if (count > MOST_VALUES) {
        break;
      }
    }
    return count;
  }

  private static void collect(JsonNode node, List<String> texts) {
    if (read(node)) {
      texts.add(node.asText());
    }
    for (JsonNode child : node) {
      collect(child, texts);
    }
  }

  /** Replaces each value of {@code node} by its redaction; whether any changed. */
  private static boolean replace(JsonNode node, Supplier<String> redacted) {
    boolean changed = false;
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        changed |= replaceChild(object.get(name), redacted, value -> object.set(name, value));
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        int at = i;
        changed |= replaceChild(array.get(i), redacted, value -> array.set(at, value));
      }
    }
    return changed;
  }

  private static boolean replaceChild(
      JsonNode child, Supplier<String> redacted, Consumer<JsonNode> set) {
    if (!read(child)) {
      return replace(child, redacted);
    }
    String text = redacted.get();
    if (text.equals(child.asText())) {
      return false;
    }
    set.accept(TextNode.valueOf(text));
    return true;
  }
}
