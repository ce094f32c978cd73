package io.promptyard.providers.conformance;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
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
 * Azure OpenAI chat completions, api-version 2024-10-21, shaped as Microsoft documents them:
 *
 * <ul>
 *   <li>request and response, with {@code prompt_filter_results} and per-choice {@code
 *       content_filter_results}:
 *       https://learn.microsoft.com/azure/ai-services/openai/reference#chat-completions
 *   <li>the streamed first chunk that carries only prompt annotations ({@code "choices": []},
 *       {@code "model": ""}):
 *       https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter#annotations
 *   <li>errors: {@code DeploymentNotFound}, {@code content_filter}, 401/403/429 bodies with a
 *       numeric string {@code code}, and {@code retry-after} / {@code x-ratelimit-remaining-*}
 *       headers: https://learn.microsoft.com/azure/ai-services/openai/quotas-limits and
 *       https://learn.microsoft.com/azure/ai-services/openai/how-to/quota#understanding-rate-limits
 * </ul>
 */
final class AzureOpenAiFixture extends WireMockFixture {

  static final String PATH =
      "/openai/deployments/test-model/chat/completions?api-version=2024-10-21";

  private static final String FILTERS =
      """
      {"hate": {"filtered": false, "severity": "safe"}, "self_harm": {"filtered": false, "severity": "safe"},
       "sexual": {"filtered": false, "severity": "safe"}, "violence": {"filtered": false, "severity": "safe"}}""";

  @Override
  public String name() {
    return "azure-openai";
  }

  @Override
  public ChatProvider provider(String baseUrl, HttpTimeouts timeouts, long maxResponseBytes) {
    ProviderSpec spec =
        new ProviderSpec(
            "azure",
            "azure-openai",
            baseUrl,
            List.of("AZURE_OPENAI_API_KEY"),
            null,
            true,
            ProviderFixture.options(maxResponseBytes, "apiVersion", "2024-10-21"));
    return new OpenAiCompatibleProvider(spec, ApiKeyPool.of("azure", List.of(API_KEY)), timeouts);
  }

  @Override
  public MappingBuilder blockingCall() {
    return post(urlEqualTo(PATH))
        .withHeader("api-key", equalTo(API_KEY))
        .withHeader("Authorization", absent())
        .withRequestBody(containing("\"messages\""));
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
        {"role": "assistant", "content": "The capital of France is Paris.", "refusal": null}""",
            "stop",
            21,
            7,
            8));
  }

  @Override
  public Usage plainAnswerUsage() {
    return new Usage(21, 7, 8, 0);
  }

  @Override
  public ResponseDefinitionBuilder toolCallAnswer() {
    // Azure omits content_filter_results on a choice that only calls tools.
    return json(
        200,
        completion(
            """
        {"role": "assistant", "content": null, "tool_calls": [{"id": "call_Oslo123", "type": "function",
         "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Oslo\\"}"}}], "refusal": null}""",
            "tool_calls",
            60,
            15,
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
              json(
                  400,
                  """
          {"error": {"message": "Invalid value for 'temperature': must be between 0 and 2.", "type": "invalid_request_error",
           "param": "temperature", "code": "invalid_value"}}""");
          case UNAUTHORIZED ->
              json(
                  401,
                  """
          {"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint. Make sure to \
          provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}""");
          case FORBIDDEN ->
              json(
                  403,
                  """
          {"error": {"code": "403", "message": "Access denied due to Virtual Network/Firewall rules."}}""");
          case MODEL_NOT_FOUND ->
              json(
                  404,
                  """
          {"error": {"code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist. If you \
          created the deployment within the last 5 minutes, please wait a moment and try again."}}""");
          case CONTEXT_TOO_LONG ->
              json(
                  400,
                  """
          {"error": {"message": "This model's maximum context length is 128000 tokens. However, your messages resulted in \
          130532 tokens. Please reduce the length of the messages.", "type": "invalid_request_error", "param": "messages",
           "code": "context_length_exceeded"}}""");
          case RATE_LIMITED ->
              json(
                      429,
                      """
          {"error": {"code": "429", "message": "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version \
          2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds. \
          Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."}}""")
                  .withHeader("retry-after", "6")
                  .withHeader("x-ratelimit-remaining-requests", "0")
                  .withHeader("x-ratelimit-remaining-tokens", "0");
          case SERVER_ERROR ->
              json(
                  500,
                  """
          {"error": {"message": "The server had an error processing your request. Sorry about that! You can retry your \
          request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if you \
          keep seeing this error.", "type": "server_error", "param": null, "code": null}}""");
          case UNAVAILABLE ->
              json(
                  503,
                  """
          {"error": {"code": "ServiceUnavailable", "message": "The service is temporarily unable to process your request. \
          Please try again later."}}""");
          case OVERLOADED_529 -> null;
        });
  }

  private static String completion(
      String message, String finishReason, int prompt, int completion, int cached) {
    String filters =
        finishReason.equals("tool_calls") ? "" : ", \"content_filter_results\": " + FILTERS;
    return """
        {"id": "chatcmpl-AJ5J4Y6mZFvLDsuRf9w4bm9Ytg8uZ", "object": "chat.completion", "created": 1729144182,
         "model": "gpt-4o-2024-08-06", "system_fingerprint": "fp_67802d9a6d",
         "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": %s}],
         "choices": [{"index": 0, "finish_reason": "%s", "logprobs": null, "message": %s%s}],
         "usage": {"completion_tokens": %d, "prompt_tokens": %d, "total_tokens": %d,
                   "completion_tokens_details": {"reasoning_tokens": 0}, "prompt_tokens_details": {"cached_tokens": %d}}}"""
        .formatted(
            FILTERS,
            finishReason,
            message,
            filters,
            completion,
            prompt,
            prompt + completion,
            cached);
  }

  private static String streamBody(boolean complete) {
    String filters = FILTERS.replaceAll("\\s+", "");
    String head =
        "{\"id\":\"chatcmpl-AJ5J4Y6mZFvLDsuRf9w4bm9Ytg8uZ\",\"object\":\"chat.completion.chunk\",\"created\":1729144182,"
            + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_67802d9a6d\",";
    StringBuilder b = new StringBuilder();
    // Prompt annotations come first, in a chunk with no choices and an empty model.
    b.append(
            "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":"
                + "[{\"prompt_index\":0,\"content_filter_results\":")
        .append(filters)
        .append("}]}\n\n");
    b.append("data: ")
        .append(head)
        .append(
            "\"choices\":[{\"content_filter_results\":{},\"delta\":{\"content\":\"\",\"role\":"
                + "\"assistant\",\"refusal\":null},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"usage\":null}\n\n");
    for (String piece : List.of("The capital", " of France is", " Paris", ".")) {
      b.append("data: ")
          .append(head)
          .append("\"choices\":[{\"content_filter_results\":")
          .append(filters)
          .append(",\"delta\":{\"content\":\"")
          .append(piece)
          .append(
              "\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],"
                  + "\"usage\":null}\n\n");
    }
    b.append("data: ")
        .append(head)
        .append(
            "\"choices\":[{\"content_filter_results\":{},\"delta\":{},\"finish_reason\":\"stop\","
                + "\"index\":0,\"logprobs\":null}],\"usage\":null}\n\n");
    b.append("data: ")
        .append(head)
        .append(
            "\"choices\":[],\"usage\":{\"completion_tokens\":7,\"prompt_tokens\":21,"
                + "\"total_tokens\":28,\"completion_tokens_details\":{\"reasoning_tokens\":0},\"prompt_tokens_details\":{\"cached_tokens\":0}}}\n\n");
    if (complete) {
      b.append("data: [DONE]\n\n");
    }
    return b.toString();
  }
}
