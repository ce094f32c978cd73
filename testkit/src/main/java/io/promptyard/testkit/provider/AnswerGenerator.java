package io.promptyard.testkit.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.testkit.provider.ChatRequest.ResponseFormat;
import io.promptyard.testkit.provider.ChatRequest.Tool;
import io.promptyard.testkit.provider.ChatRequest.ToolChoice;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Writes the simulated model's answer, a pure function of the request's answer-shaping fields. */
final class AnswerGenerator {

  private static final int ECHOED_WORDS = 12;
  private static final String ID_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final ObjectMapper mapper;
  private final StructuredValues structured = new StructuredValues();

  AnswerGenerator(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  Answer answer(ChatRequest request) {
    // java.util.Random's sequence is fixed by its specification, so answers are stable across JVMs.
    Random random = new Random(request.answerSeed());
    return switch (request.toolChoice()) {
      case ToolChoice.Required required ->
          toolCalls(request.tools().get(random.nextInt(request.tools().size())), random);
      case ToolChoice.Named named ->
          toolCalls(
              request.tools().stream()
                  .filter(tool -> tool.name().equals(named.name()))
                  .findFirst()
                  .orElseThrow(),
              random);
      case ToolChoice.Auto auto -> text(request, random);
      case ToolChoice.None none -> text(request, random);
    };
  }

  private Answer text(ChatRequest request, Random random) {
    String content =
        switch (request.responseFormat()) {
          case ResponseFormat.Text text -> prose(request, random);
          case ResponseFormat.JsonObject json ->
              write(
                  mapper
                      .createObjectNode()
                      .put("model", request.model())
                      .put("answer", prose(request, random)));
          case ResponseFormat.JsonSchema schema ->
              write(jsonForSchema(schema.schema(), request, random));
        };
    if (request.maxTokens().isPresent()
        && SimulatedTokenizer.count(content) > request.maxTokens().getAsInt()) {
      return new Answer.Text(
          SimulatedTokenizer.truncate(content, request.maxTokens().getAsInt()), "length");
    }
    return new Answer.Text(content, "stop");
  }

  private String prose(ChatRequest request, Random random) {
    StringBuilder text =
        new StringBuilder("Simulated answer from ").append(request.model()).append(':');
    String[] words = request.lastUserText().strip().split("\\s+");
    if (!words[0].isEmpty()) {
      String echoed = String.join(" ", Arrays.copyOf(words, Math.min(words.length, ECHOED_WORDS)));
      text.append(" you asked \"")
          .append(echoed)
          .append(words.length > ECHOED_WORDS ? " ..." : "")
          .append("\".");
    }
    return text.append(' ').append(structured.sentences(random, 2 + random.nextInt(3))).toString();
  }

  private JsonNode jsonForSchema(JsonNode schema, ChatRequest request, Random random) {
    if (schema.path("properties").isObject() && !schema.path("properties").isEmpty()) {
      return structured.valueFor(schema, random);
    }
    ObjectNode fallback = mapper.createObjectNode();
    return fallback.put("model", request.model()).put("answer", prose(request, random));
  }

  private Answer toolCalls(Tool tool, Random random) {
    JsonNode arguments =
        tool.parameters() == null
            ? mapper.createObjectNode()
            : structured.valueFor(tool.parameters(), random);
    StringBuilder id = new StringBuilder("call_");
    for (int i = 0; i < 24; i++) {
      id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
    }
    return new Answer.ToolCalls(
        List.of(new Answer.ToolCall(id.toString(), tool.name(), write(arguments))));
  }

  private String write(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write a JSON tree built in memory", e);
    }
  }
}
