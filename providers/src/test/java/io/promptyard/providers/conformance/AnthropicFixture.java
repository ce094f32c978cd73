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
import io.promptyard.providers.anthropic.AnthropicProvider;
import java.util.List;
import java.util.Optional;

/**
 * Anthropic's Messages API, shaped as its documentation shows it:
 *
 * <ul>
 *   <li>the Message object and usage with prompt-cache fields:
 *       https://docs.claude.com/en/api/messages and
 *       https://docs.claude.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance;
 *   <li>tool_use blocks and stop_reason tool_use:
 *       https://docs.claude.com/en/docs/agents-and-tools/tool-use/implement-tool-use;
 *   <li>the event stream (message_start, content_block_start, ping, content_block_delta,
 *       content_block_stop, message_delta, message_stop):
 *       https://docs.claude.com/en/docs/build-with-claude/streaming;
 *   <li>errors {@code {"type":"error","error":{"type","message"},"request_id"}} and their statuses:
 *       https://docs.claude.com/en/api/errors; the rate-limit headers:
 *       https://docs.claude.com/en/api/rate-limits.
 * </ul>
 *
 * Anthropic documents no 503 (its "unavailable" is 529 overloaded_error), so {@link
 * ErrorScenario#UNAVAILABLE} is empty and {@link ErrorScenario#OVERLOADED_529} is answered.
 */
final class AnthropicFixture extends WireMockFixture {

  private static final String REQUEST_ID = "\"request_id\": \"req_011CSHoEeqs5C35K2UUqR7Fy\"";

  @Override
  public String name() {
    return "anthropic";
  }

  @Override
  public ChatProvider provider(String baseUrl, HttpTimeouts timeouts, long maxResponseBytes) {
    ProviderSpec spec =
        new ProviderSpec(
            "anthropic",
            "anthropic",
            baseUrl,
            List.of("ANTHROPIC_API_KEY"),
            null,
            true,
            ProviderFixture.options(maxResponseBytes, "anthropicVersion", "2023-06-01"));
    return new AnthropicProvider(spec, ApiKeyPool.of("anthropic", List.of(API_KEY)), timeouts);
  }

  @Override
  public MappingBuilder blockingCall() {
    return post(urlEqualTo("/v1/messages"))
        .withHeader("x-api-key", equalTo(API_KEY))
        .withHeader("anthropic-version", equalTo("2023-06-01"))
        .withHeader("content-type", equalTo("application/json"))
        .withRequestBody(containing("\"model\":\"test-model\""))
        .withRequestBody(containing("\"max_tokens\":"));
  }

  @Override
  public MappingBuilder streamingCall() {
    return blockingCall().withRequestBody(containing("\"stream\":true"));
  }

  @Override
  public ResponseDefinitionBuilder plainAnswer() {
    return json(
        200,
        message(
            """
        [{"type": "text", "text": "The capital of France is Paris."}]""",
            "end_turn",
            10,
            3,
            8,
            7));
  }

  /**
   * 10 uncached input tokens, 3 written to and 8 read from the prompt cache: 21 input tokens in
   * all.
   */
  @Override
  public Usage plainAnswerUsage() {
    return new Usage(21, 7, 8, 0);
  }

  @Override
  public ResponseDefinitionBuilder toolCallAnswer() {
    // With tool_choice {"type": "any"} Claude answers with the tool_use block alone.
    return json(
        200,
        message(
            """
        [{"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {"city": "Oslo"}}]""",
            "tool_use",
            60,
            0,
            0,
            15));
  }

  @Override
  public ResponseDefinitionBuilder structuredAnswer() {
    // The structured answer is a forced call of the tool named after the schema ("place").
    return json(
        200,
        message(
            """
        [{"type": "tool_use", "id": "toolu_01D7FLrfh4GYq7yT1ULFeyMV", "name": "place",
          "input": {"city": "Lisbon", "country": "Portugal"}}]""",
            "tool_use",
            40,
            0,
            0,
            12));
  }

  @Override
  public ResponseDefinitionBuilder streamedAnswer() {
    return anthropicSse(streamBody(true));
  }

  @Override
  public Usage streamedAnswerUsage() {
    return new Usage(21, 7, 0, 0);
  }

  @Override
  public ResponseDefinitionBuilder truncatedStream() {
    String body = streamBody(false);
    return anthropicSse(body.substring(0, body.indexOf("\"text\": \" Paris\"")));
  }

  @Override
  public Optional<ResponseDefinitionBuilder> error(ErrorScenario scenario) {
    return Optional.ofNullable(
        switch (scenario) {
          case BAD_REQUEST -> error(400, "invalid_request_error", "temperature: range: 0..1");
          case UNAUTHORIZED -> error(401, "authentication_error", "invalid x-api-key");
          case FORBIDDEN ->
              error(
                  403,
                  "permission_error",
                  "Your API key does not have permission to use the specified resource.");
          case MODEL_NOT_FOUND -> error(404, "not_found_error", "model: test-model");
          case CONTEXT_TOO_LONG ->
              error(
                  400,
                  "invalid_request_error",
                  "prompt is too long: 208310 tokens > 200000 maximum");
          case RATE_LIMITED ->
              error(
                      429,
                      "rate_limit_error",
                      "This request would exceed the rate limit for your organization "
                          + "(1b2c3d4e) of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.")
                  .withHeader("retry-after", "7")
                  .withHeader("anthropic-ratelimit-requests-limit", "50")
                  .withHeader("anthropic-ratelimit-requests-remaining", "0")
                  .withHeader("anthropic-ratelimit-requests-reset", "2030-01-01T00:00:07Z")
                  .withHeader("anthropic-ratelimit-tokens-limit", "40000")
                  .withHeader("anthropic-ratelimit-tokens-remaining", "39000")
                  .withHeader("anthropic-ratelimit-tokens-reset", "2030-01-01T00:00:02Z");
          case SERVER_ERROR -> error(500, "api_error", "Internal server error");
          case UNAVAILABLE -> null;
          case OVERLOADED_529 -> error(529, "overloaded_error", "Overloaded");
        });
  }

  static ResponseDefinitionBuilder error(int status, String type, String message) {
    return json(
            status,
            """
        {"type": "error", "error": {"type": "%s", "message": "%s"}, %s}"""
                .formatted(type, message, REQUEST_ID))
        .withHeader("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy");
  }

  private static String message(
      String content, String stopReason, int input, int cacheWrite, int cacheRead, int output) {
    return """
        {"id": "msg_013Zva2CMHLNnXjNJJKqJ2EF", "type": "message", "role": "assistant",
         "model": "claude-sonnet-4-5-20250929",
         "content": %s,
         "stop_reason": "%s", "stop_sequence": null,
         "usage": {"input_tokens": %d, "cache_creation_input_tokens": %d, "cache_read_input_tokens": %d,
                   "output_tokens": %d, "service_tier": "standard"}}"""
        .formatted(content, stopReason, input, cacheWrite, cacheRead, output);
  }

  static String streamBody(boolean complete) {
    StringBuilder b = new StringBuilder();
    event(
        b,
        "message_start",
        """
        {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message",
         "role": "assistant", "content": [], "model": "claude-sonnet-4-5-20250929", "stop_reason": null,
         "stop_sequence": null, "usage": {"input_tokens": 21, "cache_creation_input_tokens": 0,
         "cache_read_input_tokens": 0, "output_tokens": 1}}}""");
    event(
        b,
        "content_block_start",
        """
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}""");
    event(b, "ping", "{\"type\": \"ping\"}");
    for (String piece : List.of("The capital", " of France is", " Paris", ".")) {
      event(
          b,
          "content_block_delta",
          """
          {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "%s"}}"""
              .formatted(piece));
    }
    event(b, "content_block_stop", "{\"type\": \"content_block_stop\", \"index\": 0}");
    event(
        b,
        "message_delta",
        """
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 7}}""");
    if (complete) {
      event(b, "message_stop", "{\"type\": \"message_stop\"}");
    }
    return b.toString();
  }

  /** Anthropic's streams say their charset: {@code text/event-stream; charset=utf-8}. */
  private static ResponseDefinitionBuilder anthropicSse(String body) {
    return answer(200, "text/event-stream; charset=utf-8", body);
  }
}
