package io.promptyard.testkit.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders an answer as OpenAI's chat completion object or as its sequence of chat completion
 * chunks; see https://platform.openai.com/docs/api-reference/chat/object and
 * .../chat-streaming/streaming.
 */
final class CompletionBodies {

  /** How many tokens each streamed content delta carries. */
  static final int TOKENS_PER_DELTA = 3;

  /** What every body and chunk of one completion shares. */
  record Meta(String id, long created, String model, String systemFingerprint) {}

  private final ObjectMapper mapper;

  CompletionBodies(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  ObjectNode completion(Meta meta, Answer answer, int promptTokens) {
    ObjectNode body = header(meta, "chat.completion");
    ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    switch (answer) {
      case Answer.Text text -> message.put("content", text.content());
      case Answer.ToolCalls calls -> {
        message.putNull("content");
        ArrayNode toolCalls = message.putArray("tool_calls");
        calls.calls().forEach(call -> toolCalls.add(toolCall(call, call.arguments())));
      }
    }
    message.putNull("refusal");
    message.putArray("annotations");
    choice.putNull("logprobs");
    choice.put("finish_reason", answer.finishReason());
    body.set("usage", usage(promptTokens, answer.completionTokens()));
    return finish(body, meta);
  }

  /** The chunks of a stream in order, without the closing {@code [DONE]} sentinel. */
  List<ObjectNode> chunks(Meta meta, Answer answer, int promptTokens, boolean includeUsage) {
    List<ObjectNode> chunks = new ArrayList<>();
    switch (answer) {
      case Answer.Text text -> {
        chunks.add(
            chunk(
                meta,
                delta().put("role", "assistant").put("content", "").putNull("refusal"),
                null));
        for (String piece : SimulatedTokenizer.pieces(text.content(), TOKENS_PER_DELTA)) {
          chunks.add(chunk(meta, delta().put("content", piece), null));
        }
      }
      case Answer.ToolCalls calls -> {
        ObjectNode first = delta().put("role", "assistant").putNull("content");
        ArrayNode toolCalls = first.putArray("tool_calls");
        calls
            .calls()
            .forEach(call -> toolCalls.add(toolCall(call, "").put("index", toolCalls.size())));
        chunks.add(chunk(meta, first.putNull("refusal"), null));
        for (int i = 0; i < calls.calls().size(); i++) {
          for (String piece :
              SimulatedTokenizer.pieces(calls.calls().get(i).arguments(), TOKENS_PER_DELTA)) {
            ObjectNode delta = delta();
            delta
                .putArray("tool_calls")
                .addObject()
                .put("index", i)
                .putObject("function")
                .put("arguments", piece);
            chunks.add(chunk(meta, delta, null));
          }
        }
      }
    }
    chunks.add(chunk(meta, delta(), answer.finishReason()));
    if (includeUsage) {
      // The spec: every chunk carries "usage": null, then one extra chunk with no choices carries
      // the totals.
      chunks.forEach(chunk -> chunk.putNull("usage"));
      ObjectNode last = header(meta, "chat.completion.chunk");
      last.putArray("choices");
      last.set("usage", usage(promptTokens, answer.completionTokens()));
      chunks.add(finish(last, meta));
    }
    return chunks;
  }

  ObjectNode usage(int promptTokens, int completionTokens) {
    ObjectNode usage =
        mapper
            .createObjectNode()
            .put("prompt_tokens", promptTokens)
            .put("completion_tokens", completionTokens)
            .put("total_tokens", promptTokens + completionTokens);
    usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
    usage
        .putObject("completion_tokens_details")
        .put("reasoning_tokens", 0)
        .put("audio_tokens", 0)
        .put("accepted_prediction_tokens", 0)
        .put("rejected_prediction_tokens", 0);
    return usage;
  }

  private ObjectNode chunk(Meta meta, ObjectNode delta, String finishReason) {
    ObjectNode chunk = header(meta, "chat.completion.chunk");
    chunk
        .putArray("choices")
        .addObject()
        .put("index", 0)
        .<ObjectNode>set("delta", delta)
        .putNull("logprobs")
        .put("finish_reason", finishReason);
    return finish(chunk, meta);
  }

  private ObjectNode toolCall(Answer.ToolCall call, String arguments) {
    ObjectNode node = mapper.createObjectNode().put("id", call.id()).put("type", "function");
    node.putObject("function").put("name", call.name()).put("arguments", arguments);
    return node;
  }

  private ObjectNode delta() {
    return mapper.createObjectNode();
  }

  private ObjectNode header(Meta meta, String object) {
    return mapper
        .createObjectNode()
        .put("id", meta.id())
        .put("object", object)
        .put("created", meta.created())
        .put("model", meta.model());
  }

  private static ObjectNode finish(ObjectNode body, Meta meta) {
    return body.put("service_tier", "default").put("system_fingerprint", meta.systemFingerprint());
  }
}
