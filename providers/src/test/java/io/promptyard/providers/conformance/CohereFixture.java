package io.promptyard.providers.conformance;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.cohere.CohereProvider;
import java.util.List;
import java.util.Optional;

/**
 * Cohere Chat API v2, shaped as Cohere documents it: the response object and its {@code usage}
 * ({@code billed_units}, {@code tokens}, {@code cached_tokens}) from
 * https://docs.cohere.com/reference/chat and the chat examples in Cohere's OpenAPI file
 * (github.com/cohere-ai/cohere-developer-experience, cohere-openapi.yaml); the event stream ({@code
 * event:} and {@code data:} lines, message-start … message-end, then {@code data: [DONE]}) from
 * https://docs.cohere.com/reference/chat-stream and https://docs.cohere.com/v2/docs/streaming; the
 * error body {@code {"id", "message"}} from the OpenAPI responses, with the example messages of
 * https://docs.cohere.com/reference/errors. That page gives no example messages for 403, 500 and
 * 503; theirs paraphrase the OpenAPI response descriptions.
 *
 * <p>Cohere documents no rate-limit headers, so its 429 here carries none and the worker's own
 * back-off applies; the adapter still reads a Retry-After when a gateway in front of Cohere sends
 * one.
 */
final class CohereFixture extends WireMockFixture {

  @Override
  public boolean documentsRetryAfter() {
    return false;
  }

  @Override
  public String name() {
    return "cohere";
  }

  @Override
  public ChatProvider provider(String baseUrl, HttpTimeouts timeouts, long maxResponseBytes) {
    ProviderSpec spec =
        new ProviderSpec(
            "cohere",
            "cohere",
            baseUrl,
            List.of("CO_API_KEY"),
            null,
            true,
            ProviderFixture.options(maxResponseBytes));
    return new CohereProvider(spec, ApiKeyPool.of("cohere", List.of(API_KEY)), timeouts);
  }

  @Override
  public MappingBuilder blockingCall() {
    return post(urlEqualTo("/v2/chat"))
        .withHeader("Authorization", equalTo("Bearer " + API_KEY))
        .withRequestBody(containing("\"model\":\"test-model\""));
  }

  @Override
  public MappingBuilder streamingCall() {
    return blockingCall().withRequestBody(containing("\"stream\":true"));
  }

  @Override
  public ResponseDefinitionBuilder plainAnswer() {
    return json(
        200,
        response(
            """
        {"role": "assistant", "content": [{"type": "text", "text": "The capital of France is Paris."}]}""",
            "COMPLETE",
            14,
            8,
            81,
            8));
  }

  /**
   * Billed units, not the raw token counts (which include Cohere's prompt template); no cached or
   * reasoning split.
   */
  @Override
  public Usage plainAnswerUsage() {
    return new Usage(14, 8, 0, 0);
  }

  @Override
  public ResponseDefinitionBuilder toolCallAnswer() {
    return json(
        200,
        response(
            """
        {"role": "assistant", "tool_plan": "I will look up the current weather in Oslo.",
         "tool_calls": [{"id": "get_weather_1byjy32y4hvq", "type": "function",
                         "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Oslo\\"}"}}]}""",
            "TOOL_CALL",
            37,
            21,
            1034,
            45));
  }

  @Override
  public ResponseDefinitionBuilder structuredAnswer() {
    return json(
        200,
        response(
            """
        {"role": "assistant", "content": [{"type": "text", "text": "{\\"city\\":\\"Lisbon\\",\\"country\\":\\"Portugal\\"}"}]}""",
            "COMPLETE",
            40,
            12,
            106,
            12));
  }

  @Override
  public ResponseDefinitionBuilder streamedAnswer() {
    return sse(streamBody(true));
  }

  @Override
  public Usage streamedAnswerUsage() {
    return new Usage(14, 8, 0, 0);
  }

  @Override
  public ResponseDefinitionBuilder truncatedStream() {
    String body = streamBody(false);
    return sse(body.substring(0, body.indexOf("\"text\":\" Paris\"")));
  }

  @Override
  public Optional<ResponseDefinitionBuilder> error(ErrorScenario scenario) {
    return Optional.ofNullable(
        switch (scenario) {
          case BAD_REQUEST -> error(400, "message must not be empty in a turn");
          case UNAUTHORIZED -> error(401, "invalid api token");
          case FORBIDDEN ->
              error(
                  403,
                  "the user does not have the necessary permissions to perform this operation");
          case MODEL_NOT_FOUND ->
              error(
                  404,
                  "model 'test-model' not found, make sure the correct model ID was used and that you "
                      + "have access to the model.");
          case CONTEXT_TOO_LONG ->
              error(
                  400,
                  "too many tokens: size limit exceeded by 11326 tokens. Try using shorter or fewer "
                      + "inputs, or setting prompt_truncation='AUTO'.");
          case RATE_LIMITED ->
              error(
                  429,
                  "You are past the per minute request limit, please wait and try again later.");
          case SERVER_ERROR -> error(500, "an uncategorised internal server error occurred");
          case UNAVAILABLE ->
              error(
                  503,
                  "the service is unavailable: too many users are trying to access it at the same time");
          case OVERLOADED_529 -> null;
        });
  }

  private static ResponseDefinitionBuilder error(int status, String message) {
    return json(
        status,
        """
        {"id": "5d4b6a46-2e22-4c3c-9a8c-0f1e6c1d2b3a", "message": "%s"}"""
            .formatted(message.replace("\"", "\\\"")));
  }

  private static String response(
      String message,
      String finishReason,
      int billedIn,
      int billedOut,
      int tokensIn,
      int tokensOut) {
    return """
        {"id": "c14c80c3-18eb-4519-9460-6c92edd8cfb4",
         "message": %s,
         "finish_reason": "%s",
         "usage": {"billed_units": {"input_tokens": %d, "output_tokens": %d},
                   "tokens": {"input_tokens": %d, "output_tokens": %d},
                   "cached_tokens": 64}}"""
        .formatted(message, finishReason, billedIn, billedOut, tokensIn, tokensOut);
  }

  private static String streamBody(boolean complete) {
    StringBuilder b = new StringBuilder();
    event(
        b,
        "message-start",
        "{\"id\":\"29f14a5a-11de-4cae-9800-25e4747408ea\",\"type\":\"message-start\",\"delta\":{\"message\":"
            + "{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}");
    event(
        b,
        "content-start",
        "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}");
    for (String piece : List.of("The capital", " of France is", " Paris", ".")) {
      event(
          b,
          "content-delta",
          "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\""
              + piece
              + "\"}}}}");
    }
    event(b, "content-end", "{\"type\":\"content-end\",\"index\":0}");
    if (complete) {
      event(
          b,
          "message-end",
          "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":{\"billed_units\":"
              + "{\"input_tokens\":14,\"output_tokens\":8},\"tokens\":{\"input_tokens\":81,\"output_tokens\":8},\"cached_tokens\":0}}}");
      b.append("data: [DONE]\n\n");
    }
    return b.toString();
  }
}
