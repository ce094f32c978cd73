package io.promptyard.providers.cohere;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.promptyard.providers.cohere.CohereServer.answer;
import static io.promptyard.providers.cohere.CohereServer.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cohere's statuses beyond the conformance scenarios, and what happens to the API keys. */
class CohereErrorHandlingTest {

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String OK =
      answer(
          "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}", "COMPLETE");

  private ProviderException fails(int status, String message) {
    server.stubFor(
        post(CohereServer.PATH)
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"id\": \"e-123\", \"message\": \"" + message + "\"}")));
    try (CohereProvider provider = CohereServer.provider(server)) {
      return catchThrowableOfType(
          ProviderException.class, () -> provider.complete(ask("hi", null)));
    }
  }

  @ParameterizedTest(name = "HTTP {0} → {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      402 | Please add or update your payment method at https://dashboard.cohere.com/billing?tab=payment to continue | PERMISSION_DENIED | false
      422 | invalid request: tool call must be of type function                                           | INVALID_REQUEST   | false
      422 | too many tokens: multi-hop prompt is too long even after truncation                            | CONTEXT_TOO_LONG  | false
      400 | too many tokens: max tokens must be less than or equal to 4096, the maximum output for this model - received 8192. | CONTEXT_TOO_LONG | false
      498 | request blocked due to potential violations of the Usage Guidelines | CONTENT_POLICY | false
      499 | request cancelled                                                                              | CONNECTION        | true
      501 | this feature is not implemented for the requested model                                         | INVALID_REQUEST   | false
      504 | the request timed out                                                                          | TIMEOUT           | true
      502 | bad gateway                                                                                    | PROVIDER_ERROR    | true
      """)
  void statusIsClassifiedWithCoheresMessageAndId(
      int status, String message, ErrorCode code, boolean retryable) {
    ProviderException e = fails(status, message);

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.providerStatus()).isEqualTo(status);
    assertThat(e.getMessage())
        .contains("req-co-1", "HTTP " + status, message, "Cohere id e-123")
        .doesNotContain(CohereServer.KEY);
  }

  @Test
  void aDenyListed498DoesNotTakeTheKeyOutOfRotation() {
    ApiKeyPool keys = ApiKeyPool.of("cohere", List.of(CohereServer.KEY));
    server.stubFor(
        post(CohereServer.PATH)
            .willReturn(aResponse().withStatus(498).withBody("{\"message\": \"blocked\"}")));

    try (CohereProvider provider = new CohereProvider(spec(), keys, CohereServer.TIMEOUTS)) {
      assertThat(
              catchThrowableOfType(
                  ProviderException.class, () -> provider.complete(ask("hi", null))))
          .isNotNull();
    }

    assertThat(keys.size()).isEqualTo(1);
  }

  @Test
  void aRefusedKeyIsRejectedAndTheRequestRetriedWithTheNextKey() throws Exception {
    String bad = "co-revoked-key-000000000000AAAA";
    String good = "co-working-key-111111111111BBBB";
    ApiKeyPool keys = ApiKeyPool.of("cohere", List.of(bad, good));
    server.stubFor(
        post(CohereServer.PATH)
            .withHeader("Authorization", equalTo("Bearer " + bad))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody("{\"id\": \"e-1\", \"message\": \"invalid api token\"}")));
    server.stubFor(
        post(CohereServer.PATH)
            .withHeader("Authorization", equalTo("Bearer " + good))
            .willReturn(okJson(OK)));

    ChatResponse r;
    try (CohereProvider provider = new CohereProvider(spec(), keys, CohereServer.TIMEOUTS)) {
      r = provider.complete(ask("hi", null));
    }

    assertThat(r.text()).isEqualTo("ok");
    assertThat(keys.size()).isEqualTo(1);
    assertThat(keys.next()).contains(good);
  }

  @Test
  void whenEveryKeyIsRefusedTheCallFailsAsAuthenticationWithoutAnyKey() {
    ApiKeyPool keys = ApiKeyPool.of("cohere", List.of(CohereServer.KEY));
    server.stubFor(
        post(CohereServer.PATH)
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withBody(
                        "{\"message\": \"the user does not have the necessary permissions\"}")));

    try (CohereProvider provider = new CohereProvider(spec(), keys, CohereServer.TIMEOUTS)) {
      ProviderException first =
          catchThrowableOfType(ProviderException.class, () -> provider.complete(ask("hi", null)));
      ProviderException next =
          catchThrowableOfType(ProviderException.class, () -> provider.complete(ask("hi", null)));

      assertThat(first.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
      assertThat(next.code()).isEqualTo(ErrorCode.AUTHENTICATION);
      assertThat(next.providerStatus()).isNull();
      assertThat(next.getMessage()).contains("no API key left").doesNotContain(CohereServer.KEY);
    }
    assertThat(keys.isEmpty()).isTrue();
  }

  @Test
  void a429WithoutRetryAfterLeavesTheWaitToTheWorker() {
    ProviderException e =
        fails(429, "You are past the per minute request limit, please wait and try again later.");

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isNull();
  }

  @Test
  void aNonJsonErrorBodyIsQuotedRaw() {
    server.stubFor(
        post(CohereServer.PATH)
            .willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));

    ProviderException e;
    try (CohereProvider provider = CohereServer.provider(server)) {
      e = catchThrowableOfType(ProviderException.class, () -> provider.complete(ask("hi", null)));
    }

    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_ERROR);
    assertThat(e.getMessage()).contains("<html>Bad Gateway</html>");
  }

  private static ProviderSpec spec() {
    return new ProviderSpec(
        "cohere", "cohere", server.baseUrl(), List.of("CO_API_KEY"), null, true);
  }
}
