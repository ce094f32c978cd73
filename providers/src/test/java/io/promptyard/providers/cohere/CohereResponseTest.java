package io.promptyard.providers.cohere;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.promptyard.providers.cohere.CohereServer.answer;
import static io.promptyard.providers.cohere.CohereServer.ask;
import static io.promptyard.providers.cohere.CohereServer.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How Cohere's answers, blocking and streamed, become Promptyard's. */
class CohereResponseTest {

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private ChatResponse complete(String body) throws Exception {
    server.stubFor(post(CohereServer.PATH).willReturn(okJson(body)));
    try (CohereProvider provider = CohereServer.provider(server)) {
      return provider.complete(ask("hi", null));
    }
  }

  private ProviderException completeFails(String body) {
    server.stubFor(post(CohereServer.PATH).willReturn(okJson(body)));
    try (CohereProvider provider = CohereServer.provider(server)) {
      return catchThrowableOfType(
          ProviderException.class, () -> provider.complete(ask("hi", null)));
    }
  }

  private ChatResponse stream(String body, List<ChatChunk> chunks) throws Exception {
    server.stubFor(
        post(CohereServer.PATH)
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(body)));
    try (CohereProvider provider = CohereServer.provider(server)) {
      return provider.stream(ask("hi", null), chunks::add);
    }
  }

  private ProviderException streamFails(String body) {
    try {
      stream(body, new ArrayList<>());
      throw new AssertionError("the stream should have failed");
    } catch (ProviderException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String concatenated(List<ChatChunk> chunks) {
    return String.join("", chunks.stream().map(ChatChunk::textDelta).toList());
  }

  @Test
  void thinkingIsNotPartOfTheAnswer() throws Exception {
    ChatResponse r =
        complete(
            answer(
                """
        {"role": "assistant", "content": [{"type": "thinking", "thinking": "The user greets me."},
                                          {"type": "text", "text": "Hello!"}]}""",
                "COMPLETE"));

    assertThat(r.text()).isEqualTo("Hello!");
    assertThat(r.usage()).isEqualTo(new Usage(5, 7, 0, 0));
    assertThat(r.providerModel()).isEqualTo("command-a-03-2025");
  }

  @Test
  void theToolPlanIsTheTextOfAToolCallingTurn() throws Exception {
    ChatResponse r =
        complete(
            answer(
                """
        {"role": "assistant", "tool_plan": "I will check the weather.",
         "tool_calls": [{"id": "get_weather_abc", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}""",
                "TOOL_CALL"));

    assertThat(r.text()).isEqualTo("I will check the weather.");
    assertThat(r.finishReason()).isEqualTo("tool_calls");
    assertThat(r.toolCalls())
        .singleElement()
        .satisfies(c -> assertThat(c.getId()).isEqualTo("get_weather_abc"));
  }

  @Test
  void aToolCallingTurnWithoutPlanHasNoText() throws Exception {
    ChatResponse r =
        complete(
            answer(
                """
        {"role": "assistant", "content": [{"type": "thinking", "thinking": "I need the weather."}],
         "tool_calls": [{"id": "get_weather_abc", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}""",
                "TOOL_CALL"));

    assertThat(r.text()).isNull();
  }

  @Test
  void finishReasonsAreOpenAisWords() throws Exception {
    String message =
        "{\"role\": \"assistant\", \"content\": [{\"type\": \"text\", \"text\": \"Hi\"}]}";
    assertThat(complete(answer(message, "STOP_SEQUENCE")).finishReason()).isEqualTo("stop");
    assertThat(complete(answer(message, "MAX_TOKENS")).finishReason()).isEqualTo("length");
    assertThat(complete(answer(message, "COMPLETE")).finishReason()).isEqualTo("stop");
  }

  @Test
  void aGenerationThatEndedInErrorIsARetryableProviderError() {
    ProviderException e =
        completeFails(answer("{\"role\": \"assistant\", \"content\": []}", "ERROR"));

    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_ERROR);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("ERROR", "req-co-1");
  }

  @Test
  void aGenerationThatTimedOutIsARetryableTimeout() {
    ProviderException e =
        completeFails(answer("{\"role\": \"assistant\", \"content\": []}", "TIMEOUT"));

    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void withoutBilledUnitsTheTokenCountsAreUsed() throws Exception {
    ChatResponse r =
        complete(
            """
        {"id": "x", "finish_reason": "COMPLETE",
         "message": {"role": "assistant", "content": [{"type": "text", "text": "Hi"}]},
         "usage": {"tokens": {"input_tokens": 71, "output_tokens": 3}}}""");

    assertThat(r.usage()).isEqualTo(new Usage(71, 3, 0, 0));
  }

  @Test
  void aResponseWithoutMessageIsARetryableMalformedResponse() {
    ProviderException e = completeFails("{\"id\": \"x\", \"finish_reason\": \"COMPLETE\"}");

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void streamedToolCallsAreAssembledAndThePlanIsStreamedAsText() throws Exception {
    List<ChatChunk> chunks = new ArrayList<>();
    ChatResponse r =
        stream(
            events(
                    "{\"id\":\"m1\",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\","
                        + "\"tool_calls\":[],\"citations\":[]}}}",
                    "{\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\"I will\"}}}",
                    "{\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\" check.\"}}}",
                    "{\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"id\":\"get_weather_j3f0\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}}}}",
                    "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":\"{\\\"city\\\"\"}}}}}",
                    "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":\": \\\"Oslo\\\"}\"}}}}}",
                    "{\"type\":\"tool-call-end\",\"index\":0}",
                    "{\"type\":\"tool-call-start\",\"index\":1,\"delta\":{\"message\":{\"tool_calls\":{\"id\":\"now_c66n\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"now\",\"arguments\":\"{}\"}}}}}",
                    "{\"type\":\"tool-call-end\",\"index\":1}",
                    "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"TOOL_CALL\",\"usage\":{\"billed_units\":{\"input_tokens\":37,"
                        + "\"output_tokens\":21},\"tokens\":{\"input_tokens\":1034,\"output_tokens\":45}}}}")
                + "data: [DONE]\n\n",
            chunks);

    assertThat(r.finishReason()).isEqualTo("tool_calls");
    assertThat(r.toolCalls())
        .extracting(c -> c.getId() + " " + c.getName() + " " + c.getArguments())
        .containsExactly("get_weather_j3f0 get_weather {\"city\": \"Oslo\"}", "now_c66n now {}");
    assertThat(r.text()).isEqualTo("I will check.").isEqualTo(concatenated(chunks));
    assertThat(r.usage()).isEqualTo(new Usage(37, 21, 0, 0));
    assertThat(chunks.getLast().finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void streamedThinkingIsNotHandedOn() throws Exception {
    List<ChatChunk> chunks = new ArrayList<>();
    ChatResponse r =
        stream(
            events(
                "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"thinking\",\"thinking\":\"\"}}}}",
                "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"thinking\":\"Greeting.\"}}}}",
                "{\"type\":\"content-end\",\"index\":0}",
                "{\"type\":\"content-start\",\"index\":1,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}",
                "{\"type\":\"content-delta\",\"index\":1,\"delta\":{\"message\":{\"content\":{\"text\":\"Hello\"}}}}",
                "{\"type\":\"content-delta\",\"index\":1,\"delta\":{\"message\":{\"content\":{\"text\":\"!\"}}}}",
                "{\"type\":\"content-end\",\"index\":1}",
                "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":{\"billed_units\":{\"input_tokens\":3,"
                    + "\"output_tokens\":9}}}}"),
            chunks);

    assertThat(r.text()).isEqualTo("Hello!").isEqualTo(concatenated(chunks));
    assertThat(chunks).extracting(ChatChunk::textDelta).doesNotContain("Greeting.");
  }

  @Test
  void aStreamThatEndsCleanlyBeforeMessageEndIsARetryableMalformedResponse() throws Exception {
    ProviderException e =
        streamFails(
            events(
                "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}",
                "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Hello\"}}}}",
                "{\"type\":\"content-end\",\"index\":0}"));

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("message-end");
  }

  @Test
  void aMessageEndCarryingAnErrorIsARetryableProviderErrorWithCoheresWords() throws Exception {
    ProviderException e =
        streamFails(
            events(
                "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Hel\"}}}}",
                "{\"type\":\"message-end\",\"delta\":{\"error\":\"internal generation failure\",\"finish_reason\":\"ERROR\"}}"));

    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_ERROR);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("internal generation failure");
  }
}
