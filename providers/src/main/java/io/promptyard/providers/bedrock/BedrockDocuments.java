package io.promptyard.providers.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkNumber;
import software.amazon.awssdk.core.document.Document;

/**
 * JSON text to and from the SDK's {@link Document}, the type Bedrock uses for tool input schemas
 * and tool-call arguments; Jackson does the parsing so that both directions agree with the rest of
 * Promptyard.
 */
final class BedrockDocuments {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private BedrockDocuments() {}

  /** The document for JSON text. */
  static Document parse(String json) throws JsonProcessingException {
    return of(JSON.readTree(json));
  }

  static Document of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Document.fromNull();
    }
    if (node.isObject()) {
      Map<String, Document> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), of(e.getValue())));
      return Document.fromMap(map);
    }
    if (node.isArray()) {
      List<Document> list = new ArrayList<>();
      node.forEach(n -> list.add(of(n)));
      return Document.fromList(list);
    }
    if (node.isBoolean()) {
      return Document.fromBoolean(node.booleanValue());
    }
    if (node.isIntegralNumber()) {
      return Document.fromNumber(SdkNumber.fromBigInteger(node.bigIntegerValue()));
    }
    if (node.isNumber()) {
      return Document.fromNumber(SdkNumber.fromBigDecimal(node.decimalValue()));
    }
    return Document.fromString(node.asText());
  }

  /**
   * Compact JSON text for a document; null becomes {@code {}} (a tool called without arguments).
   */
  static String toJson(Document document) {
    try {
      return JSON.writeValueAsString(
          document == null || document.isNull() ? NODES.objectNode() : node(document));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write a JSON tree that Jackson itself built", e);
    }
  }

  static JsonNode node(Document d) {
    if (d == null || d.isNull()) {
      return NODES.nullNode();
    }
    if (d.isMap()) {
      ObjectNode o = NODES.objectNode();
      d.asMap().forEach((k, v) -> o.set(k, node(v)));
      return o;
    }
    if (d.isList()) {
      ArrayNode a = NODES.arrayNode();
      d.asList().forEach(v -> a.add(node(v)));
      return a;
    }
    if (d.isBoolean()) {
      return NODES.booleanNode(d.asBoolean());
    }
    if (d.isNumber()) {
      String n = d.asNumber().stringValue();
      return n.matches("-?\\d+")
          ? NODES.numberNode(new java.math.BigInteger(n))
          : NODES.numberNode(d.asNumber().bigDecimalValue());
    }
    return NODES.textNode(d.asString());
  }
}
