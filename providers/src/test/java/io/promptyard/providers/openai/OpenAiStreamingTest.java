package io.promptyard.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.promptyard.providers.openai.OpenAiRequests.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenAiStreamingTest {

  static final String PATH = "/v1/chat/completions";

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final ObjectMapper json = new ObjectMapper();
  private final List<ChatChunk> chunks = new ArrayList<>();
  private OpenAiCompatibleProvider provider;

  @BeforeEach
  void start() {
    provider = provider(Duration.ofSeconds(5));
  }

  private static OpenAiCompatibleProvider provider(Duration total) {
    ProviderSpec spec =
        new ProviderSpec(
            "acme", "openai-compatible", server.baseUrl() + "/v1", List.of(), null, true);
    return new OpenAiCompatibleProvider(
        spec,
        ApiKeyPool.of("acme", List.of("sk-stream-0123456789abcd")),
        new HttpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), total));
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sse(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "text/event-stream; charset=utf-8")
        .withBody(body);
  }

  private ProviderException streamFails() {
    return catchThrowableOfType(
        ProviderException.class, () -> provider.stream(ask("Hello!"), chunks::add));
  }

  @Test
  void streamedDeltasConcatenateToTheTextAndTheUsageChunkIsParsed() throws Exception {
    server.stubFor(post(PATH).willReturn(sse(OpenAiFixtures.STREAMED_ANSWER)));

    ChatResponse response = provider.stream(ask("Hello!"), chunks::add);

    assertThat(chunks)
        .extracting(ChatChunk::textDelta)
        .containsExactly("Hello", "!", " How can I help?", "");
    assertThat(response.text())
        .isEqualTo(chunks.stream().map(ChatChunk::textDelta).collect(Collectors.joining()))
        .isEqualTo("Hello! How can I help?");
    assertThat(response.usage()).isEqualTo(new Usage(9, 6, 0, 0));
    assertThat(response.finishReason()).isEqualTo("stop");
    assertThat(response.providerModel()).isEqualTo("gpt-4o-mini-2024-07-18");
  }

  @Test
  void chunksAreNumberedInOrderAndTheLastCarriesTheFinishReason() throws Exception {
    server.stubFor(post(PATH).willReturn(sse(OpenAiFixtures.STREAMED_ANSWER)));

    provider.stream(ask("Hello!"), chunks::add);

    assertThat(chunks).extracting(ChatChunk::index).containsExactly(0, 1, 2, 3);
    assertThat(chunks)
        .extracting(ChatChunk::finishReason)
        .containsExactly(null, null, null, "stop");
  }

  @Test
  void streamingRequestAsksForStreamAndUsage() throws Exception {
    server.stubFor(post(PATH).willReturn(sse(OpenAiFixtures.STREAMED_ANSWER)));

    provider.stream(ask("Hello!"), chunks::add);

    JsonNode sent =
        json.readTree(server.getAllServeEvents().getFirst().getRequest().getBodyAsString());
    assertThat(sent.path("stream").asBoolean()).isTrue();
    assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    assertThat(server.getAllServeEvents().getFirst().getRequest().getHeader("Accept"))
        .isEqualTo("text/event-stream");
  }

  @Test
  void streamedToolCallDeltasAreAccumulatedByIndex() throws Exception {
    server.stubFor(post(PATH).willReturn(sse(OpenAiFixtures.STREAMED_TOOL_CALLS)));

    ChatResponse response = provider.stream(ask("Weather and time in Paris?"), chunks::add);

    assertThat(response.finishReason()).isEqualTo("tool_calls");
    assertThat(response.text()).isNull();
    assertThat(response.toolCalls()).hasSize(2);
    assertThat(response.toolCalls().get(0).getId()).isEqualTo("call_DdmO9pD3xa9XTPNJ32zg2hcA");
    assertThat(response.toolCalls().get(0).getName()).isEqualTo("get_weather");
    assertThat(response.toolCalls().get(0).getArguments()).isEqualTo("{\"location\": \"Paris\"}");
    assertThat(response.toolCalls().get(1).getName()).isEqualTo("get_time");
    assertThat(response.usage()).isEqualTo(new Usage(60, 25, 0, 0));
    assertThat(chunks)
        .singleElement()
        .satisfies(c -> assertThat(c.finishReason()).isEqualTo("tool_calls"));
  }

  @Test
  void streamCutBeforeDoneIsRetryableMalformedResponse() {
    String truncated =
        OpenAiFixtures.STREAMED_ANSWER.substring(
            0, OpenAiFixtures.STREAMED_ANSWER.indexOf("data: {", 400));
    server.stubFor(post(PATH).willReturn(sse(truncated)));

    ProviderException e = streamFails();

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("req-1", "acme", "[DONE]");
    assertThat(chunks).isNotEmpty();
  }

  @Test
  void streamEndingWithoutFinishReasonIsRetryableMalformedResponse() {
    server.stubFor(
        post(PATH)
            .willReturn(
                sse(
                    """
        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

        data: [DONE]

        """)));

    ProviderException e = streamFails();

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("finish_reason");
  }

  @Test
  void negativeTokenCountsInTheUsageChunkAreRetryableMalformedResponse() {
    server.stubFor(
        post(PATH)
            .willReturn(
                sse(
                    OpenAiFixtures.STREAMED_ANSWER.replace(
                        "\"prompt_tokens\":9", "\"prompt_tokens\":-9"))));

    ProviderException e = streamFails();

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void connectionDroppedMidStreamIsRetryable() {
    server.stubFor(post(PATH).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));

    ProviderException e = streamFails();

    assertThat(e.code()).isIn(ErrorCode.CONNECTION, ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void errorEventInsideTheStreamIsClassified() {
    server.stubFor(
        post(PATH)
            .willReturn(
                sse(
                    """
        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

        data: {"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}

        """)));

    ProviderException e = streamFails();

    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_ERROR);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("The server had an error");
  }

  @Test
  void errorStatusOnAStreamingCallIsClassifiedLikeABlockingOne() {
    server.stubFor(
        post(PATH)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "3")
                    .withHeader("Content-Type", "application/json")
                    .withBody(OpenAiFixtures.RATE_LIMIT_EXCEEDED)));

    ProviderException e = streamFails();

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(chunks).isEmpty();
  }

  @Test
  void serverIgnoringTheStreamFlagStillAnswersInOneChunk() throws Exception {
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));

    ChatResponse response = provider.stream(ask("Hello!"), chunks::add);

    assertThat(response.text()).isEqualTo("Hello! How can I assist you today?");
    assertThat(chunks)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.textDelta()).isEqualTo(response.text());
              assertThat(c.finishReason()).isEqualTo("stop");
            });
  }

  @Test
  void slowStreamHitsTheTotalTimeout() {
    server.stubFor(
        post(PATH)
            .willReturn(sse(OpenAiFixtures.STREAMED_ANSWER).withChunkedDribbleDelay(20, 8_000)));
    provider.close();
    provider = provider(Duration.ofMillis(700));
    ProviderException e = streamFails();

    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("total timeout of 700 ms");
  }
}
