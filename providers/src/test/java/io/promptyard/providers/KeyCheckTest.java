package io.promptyard.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.KeyCheck.Status;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The key check of each HTTP adapter: the provider's documented models-list request with its own
 * authentication header, and what each answer says about the key — never with the key in it.
 */
class KeyCheckTest {

  static final String GOOD = "sk-good-" + "A1b2C3d4".repeat(4);
  static final String BAD = "sk-bad-" + "Z9y8X7w6".repeat(4);

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final List<ChatProvider> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(ChatProvider::close);
  }

  private ChatProvider adapter(
      String type, String baseUrl, Map<String, String> options, String... keys) {
    ProviderSpec spec =
        new ProviderSpec(
            "p", type, baseUrl, List.of("P_KEY_1", "P_KEY_2"), null, keys.length > 0, options);
    Map<String, String> env = new java.util.HashMap<>();
    for (int i = 0; i < keys.length; i++) {
      env.put("P_KEY_" + (i + 1), keys[i]);
    }
    ChatProvider p = ChatProviders.create(spec, env);
    opened.add(p);
    return p;
  }

  private ChatProvider adapter(String type, String... keys) {
    String base = server.baseUrl() + ("openai".equals(type) ? "/v1" : "");
    return adapter(type, base, Map.of(), keys);
  }

  private static void answer(MappingBuilder request, int status, String body) {
    server.stubFor(
        request.willReturn(
            aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body)));
  }

  private static void assertNoKeyIn(List<KeyCheck> checks) {
    for (KeyCheck c : checks) {
      assertThat(c.toString()).doesNotContain(GOOD, BAD);
      assertThat(c.line()).doesNotContain(GOOD, BAD);
    }
  }

  @Test
  void openAiSendsEachKeyAsBearerToTheModelsListAndTakesARefusedKeyOutOfRotation() {
    server.stubFor(
        get("/v1/models")
            .withHeader("Authorization", equalTo("Bearer " + GOOD))
            .willReturn(okJson("{\"object\":\"list\",\"data\":[]}")));
    answer(
        get("/v1/models").withHeader("Authorization", equalTo("Bearer " + BAD)),
        401,
        "{\"error\":{\"message\":\"Incorrect API key provided: "
            + BAD
            + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
    ChatProvider openai = adapter("openai", GOOD, BAD);

    List<KeyCheck> checks = openai.checkKeys();

    assertThat(checks)
        .extracting(KeyCheck::keyId)
        .containsExactly(ApiKeyPool.keyId(GOOD), ApiKeyPool.keyId(BAD));
    assertThat(checks).extracting(KeyCheck::status).containsExactly(Status.VALID, Status.REFUSED);
    assertThat(checks.get(1).detail()).contains("401", "invalid_api_key").contains("[REDACTED]");
    assertThat(openai.keyIds())
        .as("the refused key is out of rotation")
        .containsExactly(ApiKeyPool.keyId(GOOD));
    assertNoKeyIn(checks);
  }

  @Test
  void openAiInsufficientQuotaIsQuotaExhaustedAndKeepsTheKey() {
    answer(
        get("/v1/models"),
        429,
        "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing details.\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}");
    ChatProvider openai = adapter("openai", GOOD);

    List<KeyCheck> checks = openai.checkKeys();

    assertThat(checks).extracting(KeyCheck::status).containsExactly(Status.QUOTA_EXHAUSTED);
    assertThat(openai.keyIds()).hasSize(1);
    assertThat(KeyCheck.noneUsable(checks)).isTrue();
  }

  @Test
  void aServerErrorOrNoConnectionIsUnreachable() throws Exception {
    answer(get("/v1/models"), 503, "{\"error\":{\"message\":\"The server is overloaded\"}}");
    assertThat(adapter("openai", GOOD).checkKeys())
        .extracting(KeyCheck::status)
        .containsExactly(Status.UNREACHABLE);

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    List<KeyCheck> checks =
        adapter("openai", "http://127.0.0.1:" + closed + "/v1", Map.of(), GOOD).checkKeys();
    assertThat(checks).extracting(KeyCheck::status).containsExactly(Status.UNREACHABLE);
    assertThat(checks.getFirst().detail()).contains("could not be reached");
    assertThat(KeyCheck.noneUsable(checks)).isFalse();
  }

  @Test
  void aServerWithoutKeysGetsAReachabilityCheckWithoutAnAuthorizationHeader() {
    server.stubFor(
        get("/v1/models")
            .withHeader("Authorization", absent())
            .willReturn(okJson("{\"data\":[]}")));

    List<KeyCheck> checks =
        adapter("openai-compatible", server.baseUrl() + "/v1", Map.of()).checkKeys();

    assertThat(checks)
        .containsExactly(
            new KeyCheck("p", KeyCheck.NO_KEY, Status.VALID, "reachable; no key needed"));
  }

  @Test
  void aServerWithoutAModelsListIsStillReachable() {
    answer(get("/v1/models"), 404, "{\"detail\":\"Not Found\"}");

    List<KeyCheck> keyless =
        adapter("openai-compatible", server.baseUrl() + "/v1", Map.of()).checkKeys();
    List<KeyCheck> keyed =
        adapter("openai-compatible", server.baseUrl() + "/v1", Map.of(), GOOD).checkKeys();

    assertThat(keyless).extracting(KeyCheck::status).containsExactly(Status.VALID);
    assertThat(keyed)
        .extracting(KeyCheck::status)
        .as("a 404 says nothing of the key")
        .containsExactly(Status.NOT_CHECKED);
  }

  @Test
  void azureOpenAiListsTheResourcesModelsWithTheApiKeyHeader() {
    server.stubFor(
        get("/openai/models?api-version=2024-10-21")
            .withHeader("api-key", equalTo(GOOD))
            .withHeader("Authorization", absent())
            .willReturn(okJson("{\"data\":[]}")));

    assertThat(adapter("azure-openai", server.baseUrl(), Map.of(), GOOD).checkKeys())
        .extracting(KeyCheck::status)
        .containsExactly(Status.VALID);
  }

  @Test
  void anthropicSendsXApiKeyAndTheVersionHeader() {
    server.stubFor(
        get("/v1/models?limit=1")
            .withHeader("x-api-key", equalTo(GOOD))
            .withHeader("anthropic-version", equalTo("2023-06-01"))
            .willReturn(okJson("{\"data\":[],\"has_more\":true}")));
    answer(
        get("/v1/models?limit=1").withHeader("x-api-key", equalTo(BAD)),
        401,
        "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}");

    List<KeyCheck> checks = adapter("anthropic", GOOD, BAD).checkKeys();

    assertThat(checks).extracting(KeyCheck::status).containsExactly(Status.VALID, Status.REFUSED);
    assertNoKeyIn(checks);
  }

  @Test
  void anthropicWithoutCreditIsQuotaExhausted() {
    answer(
        get("/v1/models?limit=1"),
        400,
        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Your credit balance is too low to access the Anthropic API.\"}}");

    assertThat(adapter("anthropic", GOOD).checkKeys())
        .extracting(KeyCheck::status)
        .containsExactly(Status.QUOTA_EXHAUSTED);
  }

  @Test
  void geminiSendsXGoogApiKeyAndReadsItsOwnRefusalsAndQuota() {
    server.stubFor(
        get("/v1beta/models?pageSize=1")
            .withHeader("x-goog-api-key", equalTo(GOOD))
            .willReturn(okJson("{\"models\":[]}")));
    answer(
        get("/v1beta/models?pageSize=1").withHeader("x-goog-api-key", equalTo(BAD)),
        400,
        "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\","
            + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]}}");

    List<KeyCheck> checks = adapter("gemini", GOOD, BAD).checkKeys();

    assertThat(checks).extracting(KeyCheck::status).containsExactly(Status.VALID, Status.REFUSED);
    assertNoKeyIn(checks);
    server.resetAll();
    answer(
        get("/v1beta/models?pageSize=1"),
        429,
        "{\"error\":{\"code\":429,\"message\":\"Quota exceeded for quota metric 'Generate Content API requests per day'\",\"status\":\"RESOURCE_EXHAUSTED\"}}");
    assertThat(adapter("gemini", GOOD).checkKeys())
        .extracting(KeyCheck::status)
        .containsExactly(Status.QUOTA_EXHAUSTED);
  }

  @Test
  void cohereSendsBearerToItsModelsListAndReadsA402AsQuota() {
    server.stubFor(
        get("/v1/models?page_size=1")
            .withHeader("Authorization", equalTo("Bearer " + GOOD))
            .willReturn(okJson("{\"models\":[]}")));
    answer(
        get("/v1/models?page_size=1").withHeader("Authorization", equalTo("Bearer " + BAD)),
        402,
        "{\"message\":\"Please add a payment method\"}");

    List<KeyCheck> checks = adapter("cohere", GOOD, BAD).checkKeys();

    assertThat(checks)
        .extracting(KeyCheck::status)
        .containsExactly(Status.VALID, Status.QUOTA_EXHAUSTED);
    server.verify(2, getRequestedFor(urlEqualTo("/v1/models?page_size=1")));
  }

  @Test
  void aProviderThatCannotBeBuiltIsNotConfiguredNamingTheVariable() {
    ProviderSpec spec =
        new ProviderSpec(
            "openai", "openai", server.baseUrl() + "/v1", List.of("OPENAI_API_KEY"), null, true);

    List<KeyCheck> checks = KeyCheck.run("openai", () -> ChatProviders.create(spec, Map.of()));

    assertThat(checks).extracting(KeyCheck::status).containsExactly(Status.NOT_CONFIGURED);
    assertThat(checks.getFirst().detail()).contains("OPENAI_API_KEY");
    assertThat(KeyCheck.noneUsable(checks)).isTrue();
  }

  @Test
  void anAdapterWithoutACheckSaysSo() {
    ChatProvider bare =
        new ChatProvider() {
          @Override
          public String name() {
            return "bare";
          }

          @Override
          public ChatResponse complete(ChatRequest request) {
            throw new UnsupportedOperationException();
          }

          @Override
          public ChatResponse stream(
              ChatRequest request, java.util.function.Consumer<ChatChunk> onChunk) {
            throw new UnsupportedOperationException();
          }
        };

    assertThat(bare.checkKeys()).extracting(KeyCheck::status).containsExactly(Status.NOT_CHECKED);
  }
}
