package io.promptyard.providers.openai;

import io.promptyard.providers.ChatRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.ToolCall;
import java.util.List;

/** Small builders for the Avro request types, so tests read as the conversation they send. */
final class OpenAiRequests {

  private OpenAiRequests() {}

  static ChatRequest ask(String text) {
    return new ChatRequest("req-1", "gpt-4o-mini", List.of(user(text)), null);
  }

  static ChatRequest ask(String text, Parameters parameters) {
    return new ChatRequest("req-1", "gpt-4o-mini", List.of(user(text)), parameters);
  }

  static Message system(String text) {
    return Message.newBuilder().setRole(Role.SYSTEM).setText(text).build();
  }

  static Message developer(String text) {
    return Message.newBuilder().setRole(Role.DEVELOPER).setText(text).build();
  }

  static Message user(String text) {
    return Message.newBuilder().setRole(Role.USER).setText(text).build();
  }

  static Message userWithParts(ContentPart... parts) {
    return Message.newBuilder().setRole(Role.USER).setParts(List.of(parts)).build();
  }

  static ContentPart text(String text) {
    return ContentPart.newBuilder().setType("text").setText(text).build();
  }

  static ContentPart image(String url, String detail) {
    return ContentPart.newBuilder().setType("image_url").setImageUrl(url).setDetail(detail).build();
  }

  static Message assistantCalling(String id, String function, String arguments) {
    return Message.newBuilder()
        .setRole(Role.ASSISTANT)
        .setToolCalls(
            List.of(
                ToolCall.newBuilder().setId(id).setName(function).setArguments(arguments).build()))
        .build();
  }

  static Message toolResult(String callId, String text) {
    return Message.newBuilder().setRole(Role.TOOL).setToolCallId(callId).setText(text).build();
  }
}
