package io.promptyard.providers.conformance;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.HttpTimeouts;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One adapter's side of the conformance suite: how to build the adapter against a WireMock server,
 * which HTTP calls it must make, and its provider's documented answers for the suite's scenarios.
 *
 * <p>Every fixture's bodies carry the same content, shaped as its provider documents it, so that
 * {@link ProviderConformanceTest} asserts the same mapped result for every adapter:
 *
 * <ul>
 *   <li>plain answer: text {@link #ANSWER}, finish reason {@code stop};
 *   <li>tool call: one call of {@code get_weather} with arguments {@code {"city":"Oslo"}}, finish
 *       reason {@code tool_calls};
 *   <li>structured answer: text {@link #JSON_ANSWER};
 *   <li>streamed answer: at least three text deltas that concatenate to {@link #ANSWER}, then
 *       usage.
 * </ul>
 */
public interface ProviderFixture {

  /** The text of the plain and streamed answers. */
  String ANSWER = "The capital of France is Paris.";

  /** The text of the structured answer. */
  String JSON_ANSWER = "{\"city\":\"Lisbon\",\"country\":\"Portugal\"}";

  /** The API key the suite configures; it must appear in no exception message and no log line. */
  String API_KEY = "sk-conformance-SECRET-0123456789abcdef";

  /** The adapter's name in test reports. */
  String name();

  /** The adapter under test, calling {@code baseUrl} with {@link #API_KEY}. */
  default ChatProvider provider(String baseUrl, HttpTimeouts timeouts) {
    return provider(baseUrl, timeouts, ProviderSpec.DEFAULT_MAX_RESPONSE_BYTES);
  }

  /** The adapter under test, reading at most {@code maxResponseBytes} of an answer. */
  ChatProvider provider(String baseUrl, HttpTimeouts timeouts, long maxResponseBytes);

  /** Catalog options: {@code maxResponseBytes} and the given key-value pairs. */
  static Map<String, String> options(long maxResponseBytes, String... keyValues) {
    Map<String, String> options = new HashMap<>();
    options.put(ProviderSpec.OPTION_MAX_RESPONSE_BYTES, Long.toString(maxResponseBytes));
    for (int i = 0; i < keyValues.length; i += 2) {
      options.put(keyValues[i], keyValues[i + 1]);
    }
    return options;
  }

  /** The model id the suite asks for. */
  default String model() {
    return "test-model";
  }

  /**
   * Matches the blocking call as the provider requires it — method, path and authentication header
   * — so that an adapter calling the wrong URL or authenticating wrongly gets WireMock's 404 and
   * fails.
   */
  MappingBuilder blockingCall();

  /** Matches the streaming call the same way. */
  MappingBuilder streamingCall();

  /** The provider's documented 200 answer carrying {@link #ANSWER}. */
  ResponseDefinitionBuilder plainAnswer();

  /** The usage the adapter must read from {@link #plainAnswer()}. */
  Usage plainAnswerUsage();

  /** The provider's documented answer calling {@code get_weather} with {@code {"city":"Oslo"}}. */
  ResponseDefinitionBuilder toolCallAnswer();

  /** The provider's documented structured-output answer whose text is {@link #JSON_ANSWER}. */
  ResponseDefinitionBuilder structuredAnswer();

  /** The provider's documented stream of {@link #ANSWER} in at least three deltas, with usage. */
  ResponseDefinitionBuilder streamedAnswer();

  /** The usage the adapter must read from {@link #streamedAnswer()}. */
  Usage streamedAnswerUsage();

  /** A stream cut off before the provider's end marker (connection closes mid-stream). */
  ResponseDefinitionBuilder truncatedStream();

  /**
   * Whether the provider documents a wait (Retry-After or an equivalent) on its rate-limit answer;
   * when it does, the suite requires the adapter to hand that wait to the worker. Providers that
   * send none leave the wait to the worker's own back-off.
   */
  default boolean documentsRetryAfter() {
    return true;
  }

  /**
   * The provider's documented error answer for a scenario, or empty when the provider does not have
   * one.
   */
  Optional<ResponseDefinitionBuilder> error(ErrorScenario scenario);
}
