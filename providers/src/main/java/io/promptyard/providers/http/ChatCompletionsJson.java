package io.promptyard.providers.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.providers.ChatRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ToolCall;
import java.util.List;

/**
 * The parts of OpenAI's chat-completions request JSON that Cohere's v2 chat shares
 * (https://platform.openai.com/docs/api-reference/chat/create,
 * https://docs.cohere.com/reference/chat): a body of the model and its messages, a content part,
 * and an assistant message's tool calls. Each adapter writes the rest of a message and the
 * parameters in its own way.
 */
public final class ChatCompletionsJson {

  /** Writes one message of a request in the provider's shape. */
  @FunctionalInterface
  public interface MessageWriter {
    ObjectNode write(Message m) throws FailedCall;
  }

  private ChatCompletionsJson() {}

  /**
   * A body with the request's {@code model} and its {@code messages}, each written by {@code
   * writer}.
   */
  public static ObjectNode body(ObjectMapper json, ChatRequest request, MessageWriter writer)
      throws FailedCall {
    ObjectNode body = json.createObjectNode();
    body.put("model", request.model());
    ArrayNode messages = body.putArray("messages");
    for (Message m : request.messages()) {
      messages.add(writer.write(m));
    }
    return body;
  }

  /**
   * {@code out} as one content part: text, or an image by URL with its optional detail.
   *
   * @throws FailedCall (unsendable) for an image without its URL, or a part of another type
   */
  public static ObjectNode putPart(ObjectNode out, ContentPart p) throws FailedCall {
    switch (p.getType()) {
      case "text" -> out.put("type", "text").put("text", p.getText() == null ? "" : p.getText());
      case "image_url" -> {
        if (p.getImageUrl() == null) {
          throw FailedCall.unsendable("an image_url content part needs imageUrl");
        }
        ObjectNode image =
            out.put("type", "image_url").putObject("image_url").put("url", p.getImageUrl());
        if (p.getDetail() != null) {
          image.put("detail", p.getDetail());
        }
      }
      default ->
          throw FailedCall.unsendable(
              "content part type '" + p.getType() + "' is not supported (text, image_url)");
    }
    return out;
  }

  /**
   * {@code message} with its {@code tool_calls}: id, type function, function name and arguments.
   */
  public static void putToolCalls(ObjectNode message, List<ToolCall> toolCalls) {
    ArrayNode calls = message.putArray("tool_calls");
    for (ToolCall c : toolCalls) {
      ObjectNode call = calls.addObject().put("id", c.getId()).put("type", "function");
      call.putObject("function").put("name", c.getName()).put("arguments", c.getArguments());
    }
  }
}
