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
import io.promptyard.providers.openai.OpenAiCompatibleProvider;
import java.util.List;
import java.util.Optional;

/**
 * OpenAI Chat Completions, shaped as https://platform.openai.com/docs/api-reference/chat documents
 * the completion object, the chunk object (with {@code stream_options.include_usage}) and the error
 * object (https://platform.openai.com/docs/guides/error-codes).
 */
final class OpenAiFixture extends WireMockFixture {

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public ChatProvider provider(String baseUrl, HttpTimeouts timeouts, long maxResponseBytes) {
    ProviderSpec spec =
        new ProviderSpec(
            "openai",
            "openai",
            baseUrl + "/v1",
            List.of("OPENAI_API_KEY"),
            null,
            true,
            ProviderFixture.options(maxResponseBytes));
    return new OpenAiCompatibleProvider(spec, ApiKeyPool.of("openai", List.of(API_KEY)), timeouts);
  }

  @Override
  public MappingBuilder blockingCall() {
    return post(urlEqualTo("/v1/chat/completions"))
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
        completion(
            """
        {"role": "assistant", "content": "The capital of France is Paris.", "refusal": null, "annotations": []}""",
            "stop",
            21,
            7,
            8,
            0));
  }

  @Override
  public Usage plainAnswerUsage() {
    return new Usage(21, 7, 8, 0);
  }

  @Override
  public ResponseDefinitionBuilder toolCallAnswer() {
    return json(
        200,
        completion(
            """
        {"role": "assistant", "content": null, "tool_calls": [{"id": "call_Oslo123", "type": "function",
         "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Oslo\\"}"}}], "refusal": null, "annotations": []}""",
            "tool_calls",
            60,
            15,
            0,
            0));
  }

  @Override
  public ResponseDefinitionBuilder structuredAnswer() {
    return json(
        200,
        completion(
            """
        {"role": "assistant", "content": "{\\"city\\":\\"Lisbon\\",\\"country\\":\\"Portugal\\"}", "refusal": null}""",
            "stop",
            40,
            12,
            0,
            0));
  }

  @Override
  public ResponseDefinitionBuilder streamedAnswer() {
    return sse(streamBody(true));
  }

  @Override
  public Usage streamedAnswerUsage() {
    return new Usage(21, 7, 0, 0);
  }

  @Override
  public ResponseDefinitionBuilder truncatedStream() {
    String body = streamBody(false);
    return sse(body.substring(0, body.indexOf("\"content\":\" Paris\"")));
  }

  @Override
  public Optional<ResponseDefinitionBuilder> error(ErrorScenario scenario) {
    return Optional.ofNullable(
        switch (scenario) {
          case BAD_REQUEST ->
              error(
                  400,
                  "Invalid value for 'temperature': must be between 0 and 2.",
                  "invalid_request_error",
                  "temperature",
                  "invalid_value");
          case UNAUTHORIZED ->
              error(
                  401,
                  "Incorrect API key provided: sk-conf*****cdef. You can find your API key at "
                      + "https://platform.openai.com/account/api-keys.",
                  "invalid_request_error",
                  null,
                  "invalid_api_key");
          case FORBIDDEN ->
              error(
                  403,
                  "Country, region, or territory not supported",
                  "request_forbidden",
                  null,
                  "unsupported_country_region_territory");
          case MODEL_NOT_FOUND ->
              error(
                  404,
                  "The model `test-model` does not exist or you do not have access to it.",
                  "invalid_request_error",
                  null,
                  "model_not_found");
          case CONTEXT_TOO_LONG ->
              error(
                  400,
                  "This model's maximum context length is 128000 tokens. However, your messages "
                      + "resulted in 130532 tokens. Please reduce the length of the messages.",
                  "invalid_request_error",
                  "messages",
                  "context_length_exceeded");
          case RATE_LIMITED ->
              error(
                      429,
                      "Rate limit reached for gpt-4o-mini in organization org-abc on requests per min (RPM): "
                          + "Limit 500, Used 500, Requested 1. Please try again in 120ms.",
                      "requests",
                      null,
                      "rate_limit_exceeded")
                  .withHeader("retry-after", "7")
                  .withHeader("x-ratelimit-limit-requests", "500")
                  .withHeader("x-ratelimit-remaining-requests", "0")
                  .withHeader("x-ratelimit-reset-requests", "120ms")
                  .withHeader("x-ratelimit-limit-tokens", "200000")
                  .withHeader("x-ratelimit-remaining-tokens", "199000")
                  .withHeader("x-ratelimit-reset-tokens", "300ms");
          case SERVER_ERROR ->
              error(
                  500,
                  "The server had an error while processing your request. Sorry about that!",
                  "server_error",
                  null,
                  null);
          case UNAVAILABLE ->
              error(
                  503,
                  "The engine is currently overloaded, please try again later.",
                  "server_error",
                  null,
                  null);
          case OVERLOADED_529 -> null;
        });
  }

  private static ResponseDefinitionBuilder error(
      int status, String message, String type, String param, String code) {
    return json(
        status,
        """
        {"error": {"message": %s, "type": %s, "param": %s, "code": %s}}"""
            .formatted(quoted(message), quoted(type), quoted(param), quoted(code)));
  }

  private static String completion(
      String message, String finishReason, int prompt, int completion, int cached, int reasoning) {
    return """
        {"id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "object": "chat.completion", "created": 1741569952,
         "model": "test-model-2025-04-14",
         "choices": [{"index": 0, "message": %s, "logprobs": null, "finish_reason": "%s"}],
         "usage": {"prompt_tokens": %d, "completion_tokens": %d, "total_tokens": %d,
                   "prompt_tokens_details": {"cached_tokens": %d, "audio_tokens": 0},
                   "completion_tokens_details": {"reasoning_tokens": %d, "audio_tokens": 0,
                                                 "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}},
         "service_tier": "default", "system_fingerprint": "fp_abc"}"""
        .formatted(
            message, finishReason, prompt, completion, prompt + completion, cached, reasoning);
  }

  private static String streamBody(boolean complete) {
    String head =
        "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"test-model\","
            + "\"system_fingerprint\":\"fp_44709d6fcb\",";
    StringBuilder b = new StringBuilder();
    b.append("data: ")
        .append(head)
        .append(
            "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    for (String piece : List.of("The capital", " of France is", " Paris", ".")) {
      b.append("data: ")
          .append(head)
          .append("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
          .append(piece)
          .append("\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    }
    b.append("data: ")
        .append(head)
        .append(
            "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":null}\n\n");
    b.append("data: ")
        .append(head)
        .append(
            "\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":7,"
                + "\"total_tokens\":28,\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n");
    if (complete) {
      b.append("data: [DONE]\n\n");
    }
    return b.toString();
  }
}
