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
 * An OpenAI-compatible server reached by base URL (catalog type {@code openai-compatible}),
 * modelled on Groq's {@code https://api.groq.com/openai/v1}, with its quirks:
 *
 * <ul>
 *   <li>usage without {@code prompt_tokens_details} / {@code completion_tokens_details}, with
 *       Groq's timing fields ({@code queue_time}, {@code prompt_time}, …); a tool-call message
 *       without a {@code content} key; {@code x_groq} and {@code usage_breakdown} on the
 *       completion; tool-call ids such as {@code functions.get_weather:0};
 *   <li>a stream whose finishing chunk carries the usage in {@code x_groq.usage} (and {@code
 *       usage}), then a usage-only chunk with {@code service_tier};
 *   <li>errors as {@code {"error": {"message", "type", "code"}}} with Groq's types ({@code tokens}
 *       on a rate limit), and rate-limit headers whose request limit is per day and resets as
 *       {@code 2m59.56s}.
 * </ul>
 *
 * Sources: https://console.groq.com/docs/errors, https://console.groq.com/docs/rate-limits,
 * https://console.groq.com/docs/openai, and Groq responses recorded by charmbracelet/fantasy
 * (providertests/testdata/TestGroqCommon).
 */
final class OpenAiCompatibleServerFixture extends WireMockFixture {

  @Override
  public String name() {
    return "openai-compatible (Groq)";
  }

  @Override
  public ChatProvider provider(String baseUrl, HttpTimeouts timeouts, long maxResponseBytes) {
    ProviderSpec spec =
        new ProviderSpec(
            "groq",
            "openai-compatible",
            baseUrl + "/openai/v1",
            List.of("GROQ_API_KEY"),
            null,
            true,
            ProviderFixture.options(maxResponseBytes));
    return new OpenAiCompatibleProvider(spec, ApiKeyPool.of("groq", List.of(API_KEY)), timeouts);
  }

  @Override
  public MappingBuilder blockingCall() {
    return post(urlEqualTo("/openai/v1/chat/completions"))
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
        {"role": "assistant", "content": "The capital of France is Paris."}""",
            "stop",
            21,
            7));
  }

  @Override
  public Usage plainAnswerUsage() {
    return new Usage(21, 7, 0, 0);
  }

  @Override
  public ResponseDefinitionBuilder toolCallAnswer() {
    return json(
        200,
        completion(
            """
        {"role": "assistant", "tool_calls": [{"id": "functions.get_weather:0", "type": "function",
         "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Oslo\\"}"}}]}""",
            "tool_calls",
            93,
            21));
  }

  @Override
  public ResponseDefinitionBuilder structuredAnswer() {
    return json(
        200,
        completion(
            """
        {"role": "assistant", "content": "{\\"city\\":\\"Lisbon\\",\\"country\\":\\"Portugal\\"}"}""",
            "stop",
            40,
            12));
  }

  @Override
  public ResponseDefinitionBuilder streamedAnswer() {
    return sse(streamBody(true));
  }

  @Override
  public Usage streamedAnswerUsage() {
    return new Usage(20, 7, 0, 0);
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
                  "'messages.1' : for 'role:user' the following must be satisfied"
                      + "[('messages.1.content' : value must be a string)]",
                  "invalid_request_error",
                  null);
          case UNAUTHORIZED ->
              error(401, "Invalid API Key", "invalid_request_error", "invalid_api_key");
          case FORBIDDEN ->
              error(
                  403,
                  "The model `test-model` is blocked at the organization level. Please have the org admin "
                      + "enable this model in the org settings at https://console.groq.com/settings/limits",
                  "permissions_error",
                  "model_permission_blocked_org");
          case MODEL_NOT_FOUND ->
              error(
                  404,
                  "The model `test-model` does not exist or you do not have access to it.",
                  "invalid_request_error",
                  "model_not_found");
          case CONTEXT_TOO_LONG ->
              error(
                  400,
                  "Please reduce the length of the messages or completion.",
                  "invalid_request_error",
                  "context_length_exceeded");
          case RATE_LIMITED ->
              error(
                      429,
                      "Rate limit reached for model `test-model` in organization `org_01hqxyz` service tier "
                          + "`on_demand` on tokens per minute (TPM): Limit 6000, Used 5821, Requested 1010. Please try again in 8.31s.",
                      "tokens",
                      "rate_limit_exceeded")
                  .withHeader("retry-after", "9")
                  .withHeader("x-ratelimit-limit-requests", "14400")
                  .withHeader("x-ratelimit-limit-tokens", "6000")
                  .withHeader("x-ratelimit-remaining-requests", "14370")
                  .withHeader("x-ratelimit-remaining-tokens", "0")
                  .withHeader("x-ratelimit-reset-requests", "2m59.56s")
                  .withHeader("x-ratelimit-reset-tokens", "8.31s");
          case SERVER_ERROR -> error(500, "Internal Server Error", "internal_server_error", null);
          case UNAVAILABLE -> error(503, "Service Unavailable", "internal_server_error", null);
          case OVERLOADED_529 -> null;
        });
  }

  private static ResponseDefinitionBuilder error(
      int status, String message, String type, String code) {
    return json(
        status,
        "{\"error\":{\"message\":"
            + quoted(message)
            + ",\"type\":"
            + quoted(type)
            + (code == null ? "" : ",\"code\":" + quoted(code))
            + "}}");
  }

  private static String completion(
      String message, String finishReason, int prompt, int completion) {
    return """
        {"id": "chatcmpl-b5fd6e30-7e7f-4860-91a8-b8a0dac0a9b8", "object": "chat.completion", "created": 1761231345,
         "model": "test-model", "choices": [{"index": 0, "message": %s, "logprobs": null, "finish_reason": "%s"}],
         "usage": {"queue_time": 0.175172694, "prompt_tokens": %d, "prompt_time": 0.015929393, "completion_tokens": %d,
                   "completion_time": 0.050758214, "total_tokens": %d, "total_time": 0.066687607},
         "usage_breakdown": null, "system_fingerprint": "fp_5fe129dff6", "x_groq": {"id": "req_01k88s355bet1amym1j51bjn3q"},
         "service_tier": "on_demand"}"""
        .formatted(message, finishReason, prompt, completion, prompt + completion);
  }

  private static String streamBody(boolean complete) {
    String head =
        "{\"id\":\"chatcmpl-217967f6-a17e-43ab-a156-6b28ea4e8338\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1761231344,\"model\":\"test-model\",\"system_fingerprint\":\"fp_5fe129dff6\",";
    String usage =
        "{\"queue_time\":0.16084081,\"prompt_tokens\":20,\"prompt_time\":0.012868493,\"completion_tokens\":7,"
            + "\"completion_time\":0.009134913,\"total_tokens\":27,\"total_time\":0.022003406}";
    StringBuilder b = new StringBuilder();
    b.append("data: ")
        .append(head)
        .append(
            "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"logprobs\":null,\"finish_reason\":null}],\"x_groq\":{\"id\":\"req_01k88s34vjesy920ksmza5dh2b\"}}\n\n");
    for (String piece : List.of("The capital", " of France is", " Paris", ".")) {
      b.append("data: ")
          .append(head)
          .append("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
          .append(piece)
          .append("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    }
    b.append("data: ")
        .append(head)
        .append(
            "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"x_groq\":{\"id\":\"req_01k88s34vjesy920ksmza5dh2b\",\"usage\":")
        .append(usage)
        .append("},\"usage\":")
        .append(usage)
        .append("}\n\n");
    b.append("data: ")
        .append(head)
        .append("\"choices\":[],\"usage\":")
        .append(usage)
        .append(",\"service_tier\":\"on_demand\"}\n\n");
    if (complete) {
      b.append("data: [DONE]\n\n");
    }
    return b.toString();
  }
}
