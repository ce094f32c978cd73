package io.promptyard.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedProviderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final List<SimulatedProvider> started = new ArrayList<>();

  @AfterEach
  void stopProviders() {
    started.forEach(SimulatedProvider::close);
  }

  // --- answers
  // -------------------------------------------------------------------------------------------

  @Test
  void sameRequestGetsSameAnswer() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());

    JsonNode first = json(post(provider, chat("gpt-4o-mini", "What is a Kafka share group?")));
    JsonNode second = json(post(provider, chat("gpt-4o-mini", "What is a Kafka share group?")));

    assertThat(content(second)).isEqualTo(content(first));
    assertThat(second.get("usage")).isEqualTo(first.get("usage"));
    assertThat(second.get("id").asText()).isNotEqualTo(first.get("id").asText());
  }

  @Test
  void differentPromptsOrModelsGetDifferentAnswers() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());

    String kafka = content(json(post(provider, chat("gpt-4o-mini", "What is Kafka?"))));
    String redis = content(json(post(provider, chat("gpt-4o-mini", "What is Redis?"))));
    String otherModel = content(json(post(provider, chat("gpt-4o", "What is Kafka?"))));

    assertThat(kafka)
        .startsWith("Simulated answer from gpt-4o-mini: you asked \"What is Kafka?\".");
    assertThat(redis).isNotEqualTo(kafka);
    assertThat(otherModel).startsWith("Simulated answer from gpt-4o:").isNotEqualTo(kafka);
  }

  @Test
  void blockingResponseHasTheChatCompletionShape() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());

    HttpResponse<String> response = post(provider, chat("gpt-4o-mini", "Hello"));
    JsonNode body = json(response);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.headers().firstValue("x-request-id"))
        .hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
    assertThat(response.headers().firstValue("openai-processing-ms")).isPresent();
    assertThat(body.get("id").asText()).matches("chatcmpl-[0-9a-f]+");
    assertThat(body.get("object").asText()).isEqualTo("chat.completion");
    assertThat(body.get("created").asLong()).isPositive();
    assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(body.get("service_tier").asText()).isEqualTo("default");
    assertThat(body.get("system_fingerprint").asText()).startsWith("fp_");
    JsonNode choice = body.get("choices").get(0);
    assertThat(choice.get("index").asInt()).isZero();
    assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
    assertThat(choice.get("message").get("refusal").isNull()).isTrue();
    assertThat(choice.get("logprobs").isNull()).isTrue();
    assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    JsonNode usage = body.get("usage");
    assertThat(usage.get("total_tokens").asInt())
        .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
    assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asInt()).isZero();
    assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt()).isZero();
  }

  @Test
  void completionTokensAreTheTokenizerCountOfTheContent() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());

    JsonNode body = json(post(provider, chat("gpt-4o-mini", "Count me honestly, please.")));

    assertThat(body.get("usage").get("completion_tokens").asInt())
        .isEqualTo(SimulatedTokenizer.count(content(body)));
    // "Coun|t me hone|stly , plea|se ." is 9 tokens; plus 3 for the message and 3 for priming the
    // reply.
    assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(15);
  }

  @Test
  void maxTokensTruncatesWithFinishReasonLength() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());
    String full = content(json(post(provider, chat("gpt-4o-mini", "Tell me a long story"))));

    ObjectNode limited = chat("gpt-4o-mini", "Tell me a long story").put("max_tokens", 7);
    JsonNode body = json(post(provider, limited));

    assertThat(body.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(7);
    assertThat(SimulatedTokenizer.count(content(body))).isEqualTo(7);
    assertThat(full).startsWith(content(body));
  }

  @Test
  void jsonSchemaResponseFormatReturnsValidJson() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());
    ObjectNode request = chat("gpt-4o-mini", "Describe a city");
    request.set(
        "response_format",
        JSON.readTree(
            """
        {"type": "json_schema", "json_schema": {"name": "city", "strict": true, "schema": {
          "type": "object",
          "properties": {
            "name": {"type": "string"},
            "population": {"type": "integer", "minimum": 1000, "maximum": 2000},
            "area": {"type": "number"},
            "capital": {"type": "boolean"},
            "districts": {"type": "array", "items": {"type": "string"}},
            "mayor": {"type": "object", "properties": {"party": {"type": "string", "enum": ["red", "blue"]}}}
          },
          "required": ["name", "population", "area", "capital", "districts", "mayor"],
          "additionalProperties": false}}}
        """));

    JsonNode city = JSON.readTree(content(json(post(provider, request))));

    assertThat(city.get("name").isTextual()).isTrue();
    assertThat(city.get("population").isIntegralNumber()).isTrue();
    assertThat(city.get("population").asInt()).isBetween(1000, 2000);
    assertThat(city.get("area").isNumber()).isTrue();
    assertThat(city.get("capital").isBoolean()).isTrue();
    assertThat(city.get("districts").isArray()).isTrue();
    assertThat(city.get("mayor").get("party").asText()).isIn("red", "blue");
  }

  @Test
  void jsonObjectResponseFormatReturnsAJsonObject() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());
    ObjectNode request = chat("gpt-4o-mini", "Answer in JSON");
    request.putObject("response_format").put("type", "json_object");

    JsonNode answer = JSON.readTree(content(json(post(provider, request))));

    assertThat(answer.isObject()).isTrue();
    assertThat(answer.get("answer").asText()).startsWith("Simulated answer from gpt-4o-mini");
  }

  @Test
  void requiredToolChoiceReturnsToolCall() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());
    ObjectNode request = withWeatherTool(chat("gpt-4o-mini", "Weather in Oslo?"));
    request.put("tool_choice", "required");

    JsonNode body = json(post(provider, request));

    JsonNode choice = body.get("choices").get(0);
    assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(choice.get("message").get("content").isNull()).isTrue();
    JsonNode call = choice.get("message").get("tool_calls").get(0);
    assertThat(call.get("id").asText()).startsWith("call_");
    assertThat(call.get("type").asText()).isEqualTo("function");
    assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
    JsonNode arguments = JSON.readTree(call.get("function").get("arguments").asText());
    assertThat(arguments.get("city").isTextual()).isTrue();
    assertThat(arguments.get("unit").asText()).isIn("celsius", "fahrenheit");
  }

  @Test
  void namedToolChoiceCallsThatFunctionAndAutoAnswersInText() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());
    ObjectNode named = withWeatherTool(chat("gpt-4o-mini", "Weather in Oslo?"));
    named.set(
        "tool_choice",
        JSON.readTree("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}"));
    ObjectNode auto = withWeatherTool(chat("gpt-4o-mini", "Weather in Oslo?"));

    JsonNode namedChoice = json(post(provider, named)).get("choices").get(0);
    JsonNode autoChoice = json(post(provider, auto)).get("choices").get(0);

    assertThat(
            namedChoice
                .get("message")
                .get("tool_calls")
                .get(0)
                .get("function")
                .get("name")
                .asText())
        .isEqualTo("get_weather");
    assertThat(autoChoice.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(autoChoice.get("message").get("content").asText()).startsWith("Simulated answer");
  }

  // --- streaming
  // -----------------------------------------------------------------------------------------

  @Test
  void streamedDeltasConcatenateToBlockingAnswer() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());
    String blocking = content(json(post(provider, chat("gpt-4o-mini", "Stream me something"))));

    HttpResponse<String> response =
        post(provider, chat("gpt-4o-mini", "Stream me something").put("stream", true));
    List<String> events = events(response);

    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    assertThat(events).last().isEqualTo("[DONE]");
    List<JsonNode> chunks = chunks(events);
    assertThat(chunks)
        .allSatisfy(
            chunk -> assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk"));
    assertThat(chunks)
        .extracting(chunk -> chunk.get("id").asText())
        .containsOnly(chunks.getFirst().get("id").asText());
    JsonNode firstDelta = chunks.getFirst().get("choices").get(0).get("delta");
    assertThat(firstDelta.get("role").asText()).isEqualTo("assistant");
    assertThat(firstDelta.get("content").asText()).isEmpty();
    JsonNode lastChoice = chunks.getLast().get("choices").get(0);
    assertThat(lastChoice.get("delta").isEmpty()).isTrue();
    assertThat(lastChoice.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(chunks.size()).isGreaterThan(3);
    assertThat(chunks).noneMatch(chunk -> chunk.has("usage"));
    StringBuilder streamed = new StringBuilder();
    chunks.forEach(
        chunk ->
            streamed.append(chunk.get("choices").get(0).get("delta").path("content").asText("")));
    assertThat(streamed.toString()).isEqualTo(blocking);
  }

  @Test
  void streamedUsageMatchesBlockingUsage() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());
    JsonNode blockingUsage = json(post(provider, chat("gpt-4o-mini", "Usage please"))).get("usage");
    ObjectNode streaming = chat("gpt-4o-mini", "Usage please").put("stream", true);
    streaming.putObject("stream_options").put("include_usage", true);

    List<JsonNode> chunks = chunks(events(post(provider, streaming)));

    JsonNode usageChunk = chunks.getLast();
    assertThat(usageChunk.get("choices")).isEmpty();
    assertThat(usageChunk.get("usage")).isEqualTo(blockingUsage);
    assertThat(chunks.subList(0, chunks.size() - 1))
        .allSatisfy(chunk -> assertThat(chunk.get("usage").isNull()).isTrue());
  }

  @Test
  void streamedToolCallArgumentsConcatenateToBlockingArguments() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());
    ObjectNode request =
        withWeatherTool(chat("gpt-4o-mini", "Weather in Oslo?")).put("tool_choice", "required");
    JsonNode blockingCall =
        json(post(provider, request)).get("choices").get(0).get("message").get("tool_calls").get(0);

    List<JsonNode> chunks = chunks(events(post(provider, request.deepCopy().put("stream", true))));

    JsonNode opening =
        chunks.getFirst().get("choices").get(0).get("delta").get("tool_calls").get(0);
    assertThat(opening.get("id").asText()).isEqualTo(blockingCall.get("id").asText());
    assertThat(opening.get("function").get("name").asText()).isEqualTo("get_weather");
    StringBuilder arguments = new StringBuilder();
    chunks.forEach(
        chunk ->
            chunk
                .get("choices")
                .get(0)
                .get("delta")
                .path("tool_calls")
                .forEach(
                    call -> arguments.append(call.path("function").path("arguments").asText(""))));
    assertThat(arguments.toString())
        .isEqualTo(blockingCall.get("function").get("arguments").asText());
    assertThat(chunks.getLast().get("choices").get(0).get("finish_reason").asText())
        .isEqualTo("tool_calls");
  }

  // --- rate limits
  // ---------------------------------------------------------------------------------------

  @Test
  void requestsOverRpmGet429WithRetryAfterAndRateLimitHeaders() throws Exception {
    SimulatedProvider provider =
        start(SimulatorConfig.defaults().withRequestsPerMinute(2).withTokensPerMinute(100_000));

    HttpResponse<String> first = post(provider, chat("gpt-4o-mini", "one"));
    post(provider, chat("gpt-4o-mini", "two"));
    HttpResponse<String> third = post(provider, chat("gpt-4o-mini", "three"));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
    assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
    assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("100000");
    assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).isPresent();
    assertThat(first.headers().firstValue("x-ratelimit-reset-requests"))
        .hasValueSatisfying(reset -> assertThat(reset).matches("\\d+(\\.\\d+)?s|\\d+ms"));
    assertThat(first.headers().firstValue("x-ratelimit-reset-tokens")).isPresent();

    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    long retryAfter = Long.parseLong(third.headers().firstValue("retry-after").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    assertThat(third.headers().firstValue("retry-after-ms")).isPresent();
    JsonNode error = json(third).get("error");
    assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(error.get("type").asText()).isEqualTo("requests");
    assertThat(error.get("message").asText()).contains("requests per min (RPM)", "Limit 2");
    assertThat(provider.rateLimitedResponses()).as("429s counted by the simulator").isEqualTo(1);
    assertThat(provider.requestsServed()).isEqualTo(3);
  }

  @Test
  void requestsOverTpmGet429NamingTheTokenLimit() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults().withTokensPerMinute(1_000));

    HttpResponse<String> admitted =
        post(provider, chat("gpt-4o-mini", "small").put("max_tokens", 600));
    HttpResponse<String> rejected =
        post(provider, chat("gpt-4o-mini", "small").put("max_tokens", 600));

    assertThat(admitted.statusCode()).isEqualTo(200);
    assertThat(admitted.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
    assertThat(
            Long.parseLong(
                admitted.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow()))
        .isLessThan(400);
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.headers().firstValue("retry-after")).isPresent();
    assertThat(json(rejected).get("error").get("type").asText()).isEqualTo("tokens");
  }

  @Test
  void resetHeadersUseOpenAiDurationFormat() {
    assertThat(OpenAiDuration.format(0)).isEqualTo("0s");
    assertThat(OpenAiDuration.format(20)).isEqualTo("20ms");
    assertThat(OpenAiDuration.format(1_000)).isEqualTo("1s");
    assertThat(OpenAiDuration.format(1_500)).isEqualTo("1.5s");
    assertThat(OpenAiDuration.format(17_280)).isEqualTo("17.28s");
    assertThat(OpenAiDuration.format(360_000)).isEqualTo("6m0s");
    assertThat(OpenAiDuration.format(3_600_000)).isEqualTo("1h0m0s");
  }

  // --- auth and errors
  // -----------------------------------------------------------------------------------

  @Test
  void wrongApiKeyGets401WithoutEchoingKey() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults().withApiKey("sk-right-key"));

    HttpResponse<String> wrong =
        post(provider, chat("gpt-4o-mini", "hi"), "Bearer sk-wrong-secret-value");
    HttpResponse<String> missing = post(provider, chat("gpt-4o-mini", "hi"));
    HttpResponse<String> right = post(provider, chat("gpt-4o-mini", "hi"), "Bearer sk-right-key");

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(wrong).get("error").get("code").asText()).isEqualTo("invalid_api_key");
    assertThat(wrong.body()).doesNotContain("sk-wrong", "secret-value", "sk-right-key");
    assertThat(wrong.headers().map().toString()).doesNotContain("secret-value");
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(json(missing).get("error").get("code").asText()).isEqualTo("invalid_api_key");
    assertThat(right.statusCode()).isEqualTo(200);
  }

  @Test
  void errorRateOneAlwaysFailsWithOpenAiErrorBody() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults().withErrorRate(1.0));

    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = post(provider, chat("gpt-4o-mini", "attempt " + i));

      assertThat(response.statusCode()).isIn(500, 503);
      JsonNode error = json(response).get("error");
      assertThat(error.get("type").asText()).isEqualTo("server_error");
      assertThat(error.get("message").asText()).isNotBlank();
      assertThat(error.has("param")).isTrue();
      assertThat(error.has("code")).isTrue();
    }
  }

  @Test
  void badRequestRateOneAnswersEveryRequestWithAnInvalidRequestError() throws Exception {
    SimulatedProvider provider =
        start(SimulatorConfig.defaults().withFaults(new FaultMix(1.0, 0.0, 0)));

    HttpResponse<String> response = post(provider, chat("gpt-4o-mini", "anything"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").get("type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void hangingRequestIsHeldForTheHangTimeBeforeItIsAnswered() throws Exception {
    SimulatedProvider provider =
        start(SimulatorConfig.defaults().withFaults(new FaultMix(0.0, 1.0, 400)));
    long started = System.nanoTime();

    HttpResponse<String> response = post(provider, chat("gpt-4o-mini", "slow one"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(400);
  }

  @Test
  void faultSharesAboveOneAreRefusedNamingTheFields() {
    assertThatThrownBy(
            () ->
                SimulatorConfig.defaults()
                    .withErrorRate(0.6)
                    .withFaults(new FaultMix(0.3, 0.2, 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("badRequestRate");
  }

  @Test
  void injectedFailuresRepeatForTheSameSeed() throws Exception {
    SimulatorConfig config = SimulatorConfig.defaults().withErrorRate(0.5).withSeed(7);
    SimulatedProvider first = start(config);
    SimulatedProvider second = start(config);

    List<Integer> firstStatuses = new ArrayList<>();
    List<Integer> secondStatuses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      firstStatuses.add(post(first, chat("gpt-4o-mini", "q" + i)).statusCode());
      secondStatuses.add(post(second, chat("gpt-4o-mini", "q" + i)).statusCode());
    }

    assertThat(firstStatuses).isEqualTo(secondStatuses).contains(200).containsAnyOf(500, 503);
  }

  @Test
  void invalidRequestsGet400InvalidRequestError() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());

    HttpResponse<String> notJson = post(provider, "{not json");
    HttpResponse<String> noModel =
        post(provider, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    HttpResponse<String> noMessages = post(provider, "{\"model\":\"gpt-4o-mini\"}");

    for (HttpResponse<String> response : List.of(notJson, noModel, noMessages)) {
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).get("error").get("type").asText())
          .isEqualTo("invalid_request_error");
    }
    assertThat(json(noMessages).get("error").get("param").asText()).isEqualTo("messages");
  }

  @Test
  void unknownPathGets404WithErrorBody() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());

    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/embeddingz"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("error").get("message").asText()).contains("/v1/embeddingz");
  }

  // --- other endpoints, latency, lifecycle, config
  // -------------------------------------------------------

  @Test
  void modelsEndpointListsConfiguredModels() throws Exception {
    SimulatedProvider provider =
        start(SimulatorConfig.defaults().withModelIds("gpt-4o", "gpt-4o-mini"));

    JsonNode list =
        json(send(HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/models")).GET()));

    assertThat(list.get("object").asText()).isEqualTo("list");
    assertThat(list.get("data"))
        .extracting(model -> model.get("id").asText())
        .containsExactly("gpt-4o", "gpt-4o-mini");
    assertThat(list.get("data"))
        .allSatisfy(model -> assertThat(model.get("object").asText()).isEqualTo("model"));
    assertThat(provider.requestsServed())
        .as("a model list, a client's key check, is not counted as a request served")
        .isZero();
  }

  @Test
  void latencyIsApplied() throws Exception {
    SimulatedProvider provider =
        start(SimulatorConfig.defaults().withLatency(LatencyDistribution.fixed(250)));

    long start = System.nanoTime();
    HttpResponse<String> response = post(provider, chat("gpt-4o-mini", "slowly"));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(250);
    assertThat(Long.parseLong(response.headers().firstValue("openai-processing-ms").orElseThrow()))
        .isGreaterThanOrEqualTo(250);
  }

  @Test
  void requestsServedCountsEveryResponse() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());

    post(provider, chat("gpt-4o-mini", "one"));
    post(provider, "{not json");

    await().atMost(Duration.ofSeconds(5)).until(() -> provider.requestsServed() == 2);
    assertThat(provider.baseUrl()).isEqualTo("http://127.0.0.1:" + provider.port() + "/v1");
  }

  @Test
  void configRejectsOutOfRangeValuesNamingTheField() {
    assertThatThrownBy(() -> SimulatorConfig.defaults().withErrorRate(1.5))
        .hasMessageContaining("errorRate");
    assertThatThrownBy(() -> SimulatorConfig.defaults().withRequestsPerMinute(-1))
        .hasMessageContaining("requestsPerMinute");
    assertThatThrownBy(() -> SimulatorConfig.defaults().withPort(70_000))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> LatencyDistribution.logNormal(100, 50))
        .hasMessageContaining("p99Millis");
    assertThat(SimulatorConfig.defaults().withApiKey("sk-secret").toString())
        .doesNotContain("sk-secret");
  }

  @Test
  void truncationAndStreamPiecesKeepTokenCountsExact() {
    String text = "Extraordinarily long words, and short ones: 12345678!";

    for (int limit = 1; limit <= SimulatedTokenizer.count(text); limit++) {
      assertThat(SimulatedTokenizer.count(SimulatedTokenizer.truncate(text, limit)))
          .isEqualTo(limit);
    }
    assertThat(String.join("", SimulatedTokenizer.pieces(text, 3))).isEqualTo(text);
    assertThat(SimulatedTokenizer.count("Extraordinarily")).isEqualTo(4);
    assertThat(SimulatedTokenizer.count("a, b!")).isEqualTo(4);
  }

  // --- helpers
  // -------------------------------------------------------------------------------------------

  // --- moderations
  // -------------------------------------------------------------------------------------------

  @Test
  void moderationsFlagOnlyInputsWithTheMarkerInOpenAisShape() throws Exception {
    SimulatedProvider provider =
        start(SimulatorConfig.defaults().withApiKey("sk-sim").withModerationMarker("[[unsafe]]"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/moderations"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer sk-sim")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\": \"omni-moderation-latest\","
                        + " \"input\": [\"a calm answer\", \"an answer [[unsafe]] here\"]}"));

    HttpResponse<String> response = send(request);
    JsonNode body = json(response);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body.get("id").asText()).startsWith("modr-");
    assertThat(body.get("model").asText()).isEqualTo("omni-moderation-latest");
    JsonNode calm = body.get("results").get(0);
    JsonNode unsafe = body.get("results").get(1);
    assertThat(calm.get("flagged").asBoolean()).isFalse();
    assertThat(calm.get("categories").get("violence").asBoolean()).isFalse();
    assertThat(unsafe.get("flagged").asBoolean()).isTrue();
    assertThat(unsafe.get("categories").get("violence").asBoolean()).isTrue();
    assertThat(unsafe.get("category_scores").get("violence").asDouble()).isEqualTo(0.97);
    assertThat(unsafe.get("categories").get("hate").asBoolean()).isFalse();
  }

  @Test
  void aModerationWithoutInputIsABadRequest() throws Exception {
    SimulatedProvider provider = start(SimulatorConfig.defaults());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/moderations"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"m\"}"));

    HttpResponse<String> response = send(request);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").get("param").asText()).isEqualTo("input");
  }

  private SimulatedProvider start(SimulatorConfig config) {
    SimulatedProvider provider = SimulatedProvider.start(config);
    started.add(provider);
    return provider;
  }

  private static ObjectNode chat(String model, String userText) {
    ObjectNode request = JSON.createObjectNode().put("model", model);
    request.putArray("messages").addObject().put("role", "user").put("content", userText);
    return request;
  }

  private static ObjectNode withWeatherTool(ObjectNode request) throws IOException {
    request.set(
        "tools",
        JSON.readTree(
            """
        [{"type": "function", "function": {"name": "get_weather", "description": "Current weather",
          "parameters": {"type": "object", "properties": {
            "city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            "required": ["city", "unit"]}}}]
        """));
    return request;
  }

  private static HttpResponse<String> post(
      SimulatedProvider provider, Object body, String... authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    Arrays.stream(authorization).forEach(value -> request.header("Authorization", value));
    return send(request);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return HTTP.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static String content(JsonNode completion) {
    return completion.get("choices").get(0).get("message").get("content").asText();
  }

  /** The data of each server-sent event, in order. */
  private static List<String> events(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return Arrays.stream(response.body().split("\n\n"))
        .map(
            event -> {
              assertThat(event).startsWith("data: ");
              return event.substring("data: ".length());
            })
        .toList();
  }

  private static List<JsonNode> chunks(List<String> events) throws IOException {
    List<JsonNode> chunks = new ArrayList<>();
    for (String event : events.subList(0, events.size() - 1)) {
      chunks.add(JSON.readTree(event));
    }
    return chunks;
  }
}
