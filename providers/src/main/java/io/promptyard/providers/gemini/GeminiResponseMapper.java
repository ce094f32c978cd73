package io.promptyard.providers.gemini;

import static io.promptyard.providers.http.FailedCall.malformed;
import static io.promptyard.providers.http.JsonObjects.textOr;
import static io.promptyard.providers.http.JsonObjects.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.schemas.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code GenerateContentResponse}
 * (https://ai.google.dev/api/generate-content#generatecontentresponse) into a {@link ChatResponse};
 * the stream assembler reads each streamed event with the same pieces.
 */
final class GeminiResponseMapper {

  /**
   * Finish reasons meaning the answer was withheld by a filter:
   * https://ai.google.dev/api/generate-content#FinishReason
   */
  private static final Set<String> FILTERED =
      Set.of(
          "SAFETY",
          "RECITATION",
          "BLOCKLIST",
          "PROHIBITED_CONTENT",
          "SPII",
          "IMAGE_SAFETY",
          "IMAGE_PROHIBITED_CONTENT",
          "IMAGE_RECITATION");

  /**
   * Finish reasons meaning the model's function call cannot be used; another sample may well
   * succeed.
   */
  private static final Set<String> BROKEN_CALL =
      Set.of("MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS");

  private final ObjectMapper json;

  GeminiResponseMapper(ObjectMapper json) {
    this.json = json;
  }

  ChatResponse response(String body, String requestedModel, RateLimits rateLimits)
      throws FailedCall {
    JsonNode root = parse(body, "the body", rateLimits);
    failIfError(root, body, rateLimits);
    JsonNode candidate =
        JsonObjects.part(root.path("candidates").path(0), "candidates", null, rateLimits);
    return JsonObjects.fields(
        rateLimits,
        () -> {
          Parts parts = Parts.of(candidate, 0);
          String finish =
              finishReason(
                  textOrNull(candidate.path("finishReason")),
                  !parts.calls().isEmpty(),
                  candidate,
                  rateLimits);
          String text =
              parts.text().isEmpty()
                      && (!parts.calls().isEmpty() || finish.equals("content_filter"))
                  ? null
                  : parts.text();
          return new ChatResponse(
              text,
              parts.calls(),
              finish,
              usage(root.path("usageMetadata")),
              textOr(root.path("modelVersion"), requestedModel),
              rateLimits);
        });
  }

  JsonNode parse(String body, String what, RateLimits rateLimits) throws FailedCall {
    return JsonObjects.inAnswer(json, body, what, rateLimits);
  }

  /**
   * An error object, or a prompt blocked before any candidate was made, inside a 200 answer: both
   * go to the classifier as a {@link Failure.StreamError}, which reads {@code
   * promptFeedback.blockReason} as CONTENT_POLICY.
   */
  static void failIfError(JsonNode root, String body, RateLimits rateLimits) throws FailedCall {
    boolean blocked =
        root.path("promptFeedback").path("blockReason").isTextual()
            && root.path("candidates").isEmpty();
    if (root.path("error").isObject() || blocked) {
      throw new FailedCall(new Failure.StreamError(body, rateLimits));
    }
  }

  /**
   * Gemini's finish reason in OpenAI's words. A function call makes it {@code tool_calls} (Gemini
   * says STOP); a broken function call is a retryable malformed answer; reasons with no OpenAI word
   * (OTHER, LANGUAGE, new ones) become {@code stop}.
   */
  static String finishReason(
      String gemini, boolean calledTools, JsonNode candidate, RateLimits rateLimits)
      throws FailedCall {
    if (gemini != null && BROKEN_CALL.contains(gemini)) {
      String said = textOrNull(candidate.path("finishMessage"));
      throw malformed(
          "the model's function call is unusable (finishReason "
              + gemini
              + (said == null ? "" : ": " + said)
              + ")",
          null,
          rateLimits);
    }
    if (calledTools) {
      return "tool_calls";
    }
    if (gemini == null) {
      return "stop";
    }
    if (gemini.equals("MAX_TOKENS")) {
      return "length";
    }
    return FILTERED.contains(gemini) ? "content_filter" : "stop";
  }

  /**
   * {@code promptTokenCount} includes {@code cachedContentTokenCount}, as Usage wants; tool-use
   * prompt tokens (e.g. search results) are billed as input too. Thinking tokens are reported apart
   * from {@code candidatesTokenCount}; Usage's output includes them:
   * https://ai.google.dev/api/generate-content#UsageMetadata
   */
  static Usage usage(JsonNode u) {
    if (!u.isObject()) {
      return Usage.ZERO;
    }
    long thoughts = u.path("thoughtsTokenCount").asLong(0);
    return new Usage(
        u.path("promptTokenCount").asLong(0) + u.path("toolUsePromptTokenCount").asLong(0),
        u.path("candidatesTokenCount").asLong(0) + thoughts,
        u.path("cachedContentTokenCount").asLong(0),
        thoughts);
  }

  /**
   * The answer parts of one candidate: text parts concatenated (thought summaries, {@code
   * "thought": true}, are not the answer), and function calls. Gemini's API gives calls no id
   * unless it has one; we number them {@code call_<n>} from {@code firstCall}, so that ids stay
   * unique across a stream's events.
   */
  record Parts(String text, List<ToolCall> calls) {
    static Parts of(JsonNode candidate, int firstCall) {
      StringBuilder text = new StringBuilder();
      List<ToolCall> calls = new ArrayList<>();
      for (JsonNode part : candidate.path("content").path("parts")) {
        if (part.path("thought").asBoolean(false)) {
          continue;
        }
        if (part.path("text").isTextual()) {
          text.append(part.path("text").asText());
        }
        JsonNode call = part.path("functionCall");
        if (call.isObject()) {
          String name = textOrNull(call.path("name"));
          if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a functionCall part has no name");
          }
          String id = textOrNull(call.path("id"));
          JsonNode args = call.path("args");
          calls.add(
              ToolCall.newBuilder()
                  .setId(id == null || id.isEmpty() ? "call_" + (firstCall + calls.size()) : id)
                  .setName(name)
                  .setArguments(args.isObject() ? args.toString() : "{}")
                  .build());
        }
      }
      return new Parts(text.toString(), calls);
    }
  }
}
