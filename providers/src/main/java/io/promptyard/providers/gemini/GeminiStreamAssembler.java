package io.promptyard.providers.gemini;

import static io.promptyard.providers.http.FailedCall.malformed;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.providers.http.StreamAssembler;
import io.promptyard.schemas.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one answer from {@code streamGenerateContent?alt=sse}, whose every {@code data:} event is
 * a whole {@code GenerateContentResponse} carrying the next text parts
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent). Function calls
 * arrive whole in one event; usage is cumulative, so the last one wins. Gemini sends no end marker:
 * the event with a {@code finishReason} is the end, and a stream without one was cut short.
 */
final class GeminiStreamAssembler extends StreamAssembler {

  private final GeminiResponseMapper mapper;

  private final StringBuilder text = new StringBuilder();
  private final List<ToolCall> calls = new ArrayList<>();
  private String finishReason;
  private String model;
  private Usage usage = Usage.ZERO;

  GeminiStreamAssembler(GeminiResponseMapper mapper, Stream stream) {
    super(stream);
    this.mapper = mapper;
  }

  /** Consumes one event's data. */
  @Override
  public void event(String data) throws FailedCall {
    JsonNode event = mapper.parse(data, "a stream event", rateLimits);
    GeminiResponseMapper.failIfError(event, data, rateLimits);
    checkingValues(() -> consume(event));
  }

  private void consume(JsonNode event) throws FailedCall {
    if (event.path("usageMetadata").isObject()) {
      usage = GeminiResponseMapper.usage(event.path("usageMetadata"));
    }
    if (model == null) {
      model = JsonObjects.textOrNull(event.path("modelVersion"));
    }
    JsonNode candidate = event.path("candidates").path(0);
    if (!candidate.isObject() || finishReason != null) {
      return;
    }
    GeminiResponseMapper.Parts parts = GeminiResponseMapper.Parts.of(candidate, calls.size());
    calls.addAll(parts.calls());
    String geminiFinish = JsonObjects.textOrNull(candidate.path("finishReason"));
    String finish =
        geminiFinish == null
            ? null
            : GeminiResponseMapper.finishReason(
                geminiFinish, !calls.isEmpty(), candidate, rateLimits);
    if (!parts.text().isEmpty() || finish != null) {
      text.append(parts.text());
      emit(parts.text(), finish);
    }
    finishReason = finish;
  }

  /** The assembled answer. */
  @Override
  public ChatResponse response() throws FailedCall {
    if (finishReason == null) {
      throw malformed("the stream ended without a finishReason (cut short?)", null, rateLimits);
    }
    String answer =
        text.isEmpty() && (!calls.isEmpty() || finishReason.equals("content_filter"))
            ? null
            : text.toString();
    return new ChatResponse(
        answer, calls, finishReason, usage, model == null ? requestedModel : model, rateLimits);
  }
}
