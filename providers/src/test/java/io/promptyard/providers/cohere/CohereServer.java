package io.promptyard.providers.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Role;
import java.time.Duration;
import java.util.List;

/**
 * Builds adapters against a WireMock server and reads back what they sent, for the Cohere tests.
 */
final class CohereServer {

  static final String KEY = "co-test-key-0123456789abcdefWXYZ";
  static final String PATH = "/v2/chat";
  static final HttpTimeouts TIMEOUTS =
      new HttpTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));
  private static final ObjectMapper JSON = new ObjectMapper();

  private CohereServer() {}

  static CohereProvider provider(WireMockExtension server, List<String> keys) {
    ProviderSpec spec =
        new ProviderSpec(
            "cohere", "cohere", server.baseUrl() + "/", List.of("CO_API_KEY"), null, true);
    return new CohereProvider(spec, ApiKeyPool.of("cohere", keys), TIMEOUTS);
  }

  static CohereProvider provider(WireMockExtension server) {
    return provider(server, List.of(KEY));
  }

  static JsonNode sentBody(WireMockExtension server) throws Exception {
    return JSON.readTree(server.getAllServeEvents().getFirst().getRequest().getBodyAsString());
  }

  static ChatRequest ask(String text, Parameters parameters) {
    return new ChatRequest("req-co-1", "command-a-03-2025", List.of(user(text)), parameters);
  }

  static Message user(String text) {
    return Message.newBuilder().setRole(Role.USER).setText(text).build();
  }

  static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  /** A documented v2 chat response around one assistant message object. */
  static String answer(String message, String finishReason) {
    return """
        {"id": "c14c80c3-18eb-4519-9460-6c92edd8cfb4", "message": %s, "finish_reason": "%s",
         "usage": {"billed_units": {"input_tokens": 5, "output_tokens": 7}, "tokens": {"input_tokens": 71, "output_tokens": 7}}}"""
        .formatted(message, finishReason);
  }

  /** An event stream of the given events, each as {@code event: type} and {@code data: json}. */
  static String events(String... data) throws Exception {
    StringBuilder b = new StringBuilder();
    for (String d : data) {
      b.append("event: ")
          .append(JSON.readTree(d).path("type").asText())
          .append('\n')
          .append("data: ")
          .append(d)
          .append("\n\n");
    }
    return b.toString();
  }
}
