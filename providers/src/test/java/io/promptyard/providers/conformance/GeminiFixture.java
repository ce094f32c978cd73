package io.promptyard.providers.conformance;

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
import io.promptyard.providers.gemini.GeminiProvider;
import java.util.List;
import java.util.Optional;

/**
 * Google's Gemini API, shaped as documented: the GenerateContentResponse with candidates,
 * finishReason and usageMetadata
 * (https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse), the SSE stream of
 * whole responses from {@code streamGenerateContent?alt=sse}
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent), function calls
 * (https://ai.google.dev/gemini-api/docs/function-calling), and Google's error object with its
 * statuses and details (https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes,
 * https://cloud.google.com/apis/design/errors). Gemini sends no Retry-After header: its 429 carries
 * {@code RetryInfo.retryDelay} in the body, and a wrong key is a 400 with reason {@code
 * API_KEY_INVALID}.
 */
final class GeminiFixture extends WireMockFixture {

  @Override
  public String name() {
    return "gemini";
  }

  @Override
  public ChatProvider provider(String baseUrl, HttpTimeouts timeouts, long maxResponseBytes) {
    ProviderSpec spec =
        new ProviderSpec(
            "gemini",
            "gemini",
            baseUrl,
            List.of("GEMINI_API_KEY"),
            null,
            true,
            ProviderFixture.options(maxResponseBytes, "apiVersion", "v1beta"));
    return new GeminiProvider(spec, ApiKeyPool.of("gemini", List.of(API_KEY)), timeouts);
  }

  // urlEqualTo, not a pattern: a key put in the URL (?key=…) would not match.
  @Override
  public MappingBuilder blockingCall() {
    return post(urlEqualTo("/v1beta/models/test-model:generateContent"))
        .withHeader("x-goog-api-key", equalTo(API_KEY));
  }

  @Override
  public MappingBuilder streamingCall() {
    return post(urlEqualTo("/v1beta/models/test-model:streamGenerateContent?alt=sse"))
        .withHeader("x-goog-api-key", equalTo(API_KEY));
  }

  @Override
  public ResponseDefinitionBuilder plainAnswer() {
    return googleJson(
        200,
        """
        {"candidates": [{"content": {"parts": [{"text": "The capital of France is Paris."}], "role": "model"},
                         "finishReason": "STOP", "index": 0}],
         "usageMetadata": {"promptTokenCount": 21, "candidatesTokenCount": 7, "totalTokenCount": 40,
                           "cachedContentTokenCount": 8,
                           "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 21}],
                           "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 8}],
                           "thoughtsTokenCount": 12},
         "modelVersion": "gemini-2.5-flash", "responseId": "IZI2acSKMoWl0-kPmYj2yQc"}""");
  }

  @Override
  public Usage plainAnswerUsage() {
    // output = candidates + thoughts; reasoning = thoughts
    return new Usage(21, 19, 8, 12);
  }

  @Override
  public ResponseDefinitionBuilder toolCallAnswer() {
    return googleJson(
        200,
        """
        {"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}},
                                                "thoughtSignature": "CikBcsjafFK168IbtVtoxVV0Tsn8O+eU45rzJahzwuKGmMbdMdfpmNpgBw=="}],
                                     "role": "model"},
                         "finishReason": "STOP", "index": 0, "finishMessage": "Model generated function call(s)."}],
         "usageMetadata": {"promptTokenCount": 60, "candidatesTokenCount": 15, "totalTokenCount": 179,
                           "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 60}], "thoughtsTokenCount": 104},
         "modelVersion": "gemini-2.5-flash", "responseId": "qpc2afWVFJK4vr0Pq6WiyAU"}""");
  }

  @Override
  public ResponseDefinitionBuilder structuredAnswer() {
    return googleJson(
        200,
        """
        {"candidates": [{"content": {"parts": [{"text": "{\\"city\\":\\"Lisbon\\",\\"country\\":\\"Portugal\\"}"}], "role": "model"},
                         "finishReason": "STOP", "index": 0}],
         "usageMetadata": {"promptTokenCount": 40, "candidatesTokenCount": 12, "totalTokenCount": 52,
                           "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 40}]},
         "modelVersion": "gemini-2.5-flash", "responseId": "mK1BaZ7xLqe3vr0Pj8yXwQs"}""");
  }

  @Override
  public ResponseDefinitionBuilder streamedAnswer() {
    return sse(streamBody());
  }

  @Override
  public Usage streamedAnswerUsage() {
    return new Usage(21, 12, 0, 5);
  }

  @Override
  public ResponseDefinitionBuilder truncatedStream() {
    String body = streamBody();
    return sse(body.substring(0, body.indexOf("data: ", body.indexOf(" Paris"))));
  }

  @Override
  public Optional<ResponseDefinitionBuilder> error(ErrorScenario scenario) {
    return Optional.ofNullable(
        switch (scenario) {
          case BAD_REQUEST ->
              error(
                  400,
                  "INVALID_ARGUMENT",
                  "* GenerateContentRequest.generation_config.max_output_tokens: "
                      + "max_output_tokens must be positive.\\n",
                  "");
          case UNAUTHORIZED ->
              error(
                  400,
                  "INVALID_ARGUMENT",
                  "API key not valid. Please pass a valid API key.",
                  """
          , "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                         "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
                        {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
                         "message": "API key not valid. Please pass a valid API key."}]""");
          case FORBIDDEN ->
              error(
                  403,
                  "PERMISSION_DENIED",
                  "Your API key was reported as leaked. Please use another API key.",
                  "");
          case MODEL_NOT_FOUND ->
              error(
                  404,
                  "NOT_FOUND",
                  "models/test-model is not found for API version v1beta, or is not "
                      + "supported for generateContent. Call ListModels to see the list of available models and their supported methods.",
                  "");
          case CONTEXT_TOO_LONG ->
              error(
                  400,
                  "INVALID_ARGUMENT",
                  "The input token count (1300000) exceeds the maximum number of tokens allowed (1048576).",
                  "");
          case RATE_LIMITED ->
              error(
                  429,
                  "RESOURCE_EXHAUSTED",
                  "You exceeded your current quota, please check your plan and "
                      + "billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
                  """
          , "details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                         "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                                         "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                                         "quotaDimensions": {"location": "global", "model": "test-model"}, "quotaValue": "10"}]},
                        {"@type": "type.googleapis.com/google.rpc.Help",
                         "links": [{"description": "Learn more about Gemini API quotas",
                                    "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
                        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}]""");
          case SERVER_ERROR ->
              error(
                  500,
                  "INTERNAL",
                  "An internal error has occurred. Please retry or report in "
                      + "https://developers.generativeai.google/guide/troubleshooting",
                  "");
          case UNAVAILABLE ->
              error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", "");
          case OVERLOADED_529 -> null;
        });
  }

  /** Google's error object; {@code details} is raw JSON starting with a comma, or "". */
  private static ResponseDefinitionBuilder error(
      int status, String canonical, String message, String details) {
    return googleJson(
        status,
        """
        {"error": {"code": %d, "message": "%s", "status": "%s"%s}}"""
            .formatted(status, message, canonical, details));
  }

  /**
   * Events end with CRLF pairs here; SSE allows CR LF, LF or CR line ends, and LF streams are
   * tested beside the adapter.
   */
  private static String streamBody() {
    StringBuilder b = new StringBuilder();
    List<String> pieces = List.of("The capital", " of France is", " Paris", ".");
    for (int i = 0; i < pieces.size(); i++) {
      boolean last = i == pieces.size() - 1;
      b.append("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"")
          .append(pieces.get(i))
          .append("\"}],\"role\": \"model\"},")
          .append(last ? "\"finishReason\": \"STOP\"," : "")
          .append("\"index\": 0}],")
          .append("\"usageMetadata\": {\"promptTokenCount\": 21,\"candidatesTokenCount\": ")
          .append(last ? 7 : 2 * (i + 1))
          .append(",\"totalTokenCount\": ")
          .append(21 + 5 + (last ? 7 : 2 * (i + 1)))
          .append(
              ",\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 21}],\"thoughtsTokenCount\": 5},")
          .append(
              "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"IZI2acSKMoWl0-kPmYj2yQc\"}\r\n\r\n");
    }
    return b.toString();
  }

  /** Google's APIs say their charset: {@code application/json; charset=UTF-8}. */
  private static ResponseDefinitionBuilder googleJson(int status, String body) {
    return answer(status, "application/json; charset=UTF-8", body);
  }
}
