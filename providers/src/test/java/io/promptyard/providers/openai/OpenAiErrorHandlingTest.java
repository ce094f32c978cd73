package io.promptyard.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.promptyard.providers.openai.OpenAiRequests.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * Every way a call can fail, over real HTTP, arriving at the caller classified and without secrets.
 */
class OpenAiErrorHandlingTest {

  static final String PATH = "/v1/chat/completions";
  static final String KEY = "sk-proj-SECRETsecretSECRET0123abcd";
  static final String OTHER_KEY = "sk-proj-OTHERotherOTHER4567wxyz";

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private ApiKeyPool keys;
  private OpenAiCompatibleProvider provider;

  @BeforeEach
  void start() {
    logs.start();
    root.addAppender(logs);
    keys = ApiKeyPool.of("acme", List.of(KEY));
    provider =
        provider(
            server.baseUrl(),
            new HttpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() {
    provider.close();
    root.detachAppender(logs);
  }

  private OpenAiCompatibleProvider provider(String baseUrl, HttpTimeouts timeouts) {
    ProviderSpec spec =
        new ProviderSpec("acme", "openai-compatible", baseUrl + "/v1", List.of(), null, true);
    return new OpenAiCompatibleProvider(spec, keys, timeouts);
  }

  private void answer(int status, String body) {
    server.stubFor(
        post(PATH)
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)));
  }

  private ProviderException completeFails() {
    return completeFails(ask("Hello!"));
  }

  private ProviderException completeFails(ChatRequest request) {
    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider.complete(request));
    assertThat(e).as("the call should have failed").isNotNull();
    return e;
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {2}, retryable {3}")
  @CsvSource({
    "400, INVALID_REQUEST,          INVALID_REQUEST,    false",
    "400, CONTEXT_LENGTH_EXCEEDED,  CONTEXT_TOO_LONG,   false",
    "400, CONTENT_POLICY_VIOLATION, CONTENT_POLICY,     false",
    "400, CONTENT_FILTER,           CONTENT_POLICY,     false",
    "401, INVALID_API_KEY,          AUTHENTICATION,     false",
    "403, UNSUPPORTED_COUNTRY,      PERMISSION_DENIED,  false",
    "404, MODEL_NOT_FOUND,          MODEL_NOT_FOUND,    false",
    "413, INVALID_REQUEST,          CONTEXT_TOO_LONG,   false",
    "422, INVALID_REQUEST,          INVALID_REQUEST,    false",
    "429, RATE_LIMIT_EXCEEDED,      RATE_LIMITED,       true",
    "429, INSUFFICIENT_QUOTA,       PERMISSION_DENIED,  false",
    "500, SERVER_ERROR,             PROVIDER_ERROR,     true",
    "502, SERVER_ERROR,             PROVIDER_ERROR,     true",
    "503, OVERLOADED,               OVERLOADED,         true",
    "529, OVERLOADED,               OVERLOADED,         true",
    "504, SERVER_ERROR,             PROVIDER_ERROR,     true",
  })
  void everyErrorStatusReachesTheCallerClassified(
      int status, String fixture, ErrorCode code, boolean retryable) throws Exception {
    answer(status, (String) OpenAiFixtures.class.getDeclaredField(fixture).get(null));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.providerStatus()).isEqualTo(status);
    assertThat(e.getMessage()).contains("req-1", "acme", "HTTP " + status).doesNotContain(KEY);
  }

  @Test
  void aCallNamingOneOfThePoolsKeysIsMadeWithThatKey() throws Exception {
    keys = ApiKeyPool.of("acme", List.of(KEY, OTHER_KEY));
    provider =
        provider(
            server.baseUrl(),
            new HttpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5)));
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));
    ChatRequest hello = ask("Hello!");
    ChatRequest pinned =
        new ChatRequest(
            hello.requestId(),
            hello.model(),
            hello.messages(),
            hello.parameters(),
            ApiKeyPool.keyId(OTHER_KEY));

    provider.complete(pinned);
    provider.complete(pinned);

    assertThat(provider.keyIds())
        .containsExactly(ApiKeyPool.keyId(KEY), ApiKeyPool.keyId(OTHER_KEY));
    server.verify(
        2,
        com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(PATH))
            .withHeader("Authorization", equalTo("Bearer " + OTHER_KEY)));
  }

  @Test
  void contextLengthExceededIsNonRetryableContextTooLongWithTheProvidersMessage() {
    answer(400, OpenAiFixtures.CONTEXT_LENGTH_EXCEEDED);

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.CONTEXT_TOO_LONG);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage())
        .contains("context_length_exceeded", "maximum context length is 128000 tokens");
  }

  @Test
  void rateLimitedAnswerCarriesRetryAfterAndTheRateLimitHeaders() {
    server.stubFor(
        post(PATH)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("Retry-After", "20")
                    .withHeader("x-ratelimit-limit-requests", "500")
                    .withHeader("x-ratelimit-remaining-requests", "0")
                    .withHeader("x-ratelimit-reset-requests", "1h2m3.5s")
                    .withHeader("x-ratelimit-limit-tokens", "200000")
                    .withHeader("x-ratelimit-remaining-tokens", "500")
                    .withHeader("x-ratelimit-reset-tokens", "150ms")
                    .withBody(OpenAiFixtures.RATE_LIMIT_EXCEEDED)));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(20));
    assertThat(e.rateLimits().remainingRequests()).isZero();
    assertThat(e.rateLimits().resetRequests())
        .isEqualTo(Duration.ofHours(1).plusMinutes(2).plusMillis(3500));
    assertThat(e.rateLimits().remainingTokens()).isEqualTo(500);
    assertThat(e.rateLimits().resetTokens()).isEqualTo(Duration.ofMillis(150));
    assertThat(e.getMessage()).contains("retry after 20000 ms");
  }

  @Test
  void retryAfterMillisecondsWinOverRetryAfterSeconds() {
    server.stubFor(
        post(PATH)
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withHeader("Retry-After", "2")
                    .withHeader("retry-after-ms", "1500")
                    .withBody(OpenAiFixtures.OVERLOADED)));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void unparseableSuccessBodyIsRetryableMalformedResponse() {
    answer(200, "{\"id\": \"chatcmpl-1\", \"choices\": [ {\"index\": 0, \"mess");

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
    assertThat(e.providerStatus()).isEqualTo(200);
  }

  @Test
  void successBodyWithoutChoicesIsRetryableMalformedResponse() {
    server.stubFor(
        post(PATH)
            .willReturn(
                okJson("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}")));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void htmlErrorPageFromAProxyIsClassifiedByStatus() {
    server.stubFor(
        post(PATH)
            .willReturn(
                aResponse()
                    .withStatus(502)
                    .withHeader("Content-Type", "text/html")
                    .withBody("<html><body><h1>502 Bad Gateway</h1></body></html>")));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_ERROR);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("502 Bad Gateway");
  }

  @Test
  void slowFirstByteIsRetryableTimeout() {
    server.stubFor(
        post(PATH).willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER).withFixedDelay(3_000)));
    provider.close();
    provider =
        provider(
            server.baseUrl(),
            new HttpTimeouts(
                Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(10)));
    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.retryable()).isTrue();
    assertThat(e.providerStatus()).isNull();
    assertThat(e.getMessage()).contains("first-byte timeout of 300 ms");
  }

  @Test
  void slowBodyHitsTheTotalTimeout() {
    server.stubFor(
        post(PATH)
            .willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER).withChunkedDribbleDelay(10, 5_000)));
    provider.close();
    provider =
        provider(
            server.baseUrl(),
            new HttpTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(600)));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("total timeout of 600 ms");
  }

  @Test
  void connectionRefusedIsRetryableConnection() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    provider.close();
    provider = provider("http://127.0.0.1:" + closedPort, HttpTimeouts.DEFAULTS);

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION);
    assertThat(e.retryable()).isTrue();
    assertThat(e.providerStatus()).isNull();
  }

  @Test
  void connectionResetIsRetryableConnection() {
    server.stubFor(post(PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void emptyResponseIsRetryableConnection() {
    server.stubFor(post(PATH).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void apiKeyAppearsInNoExceptionMessageAndNoLogLine() {
    // A careless gateway echoing the credential back in its error message.
    answer(
        401,
        OpenAiFixtures.error(
            "Invalid key " + KEY + " (header was 'Bearer " + KEY + "')",
            "invalid_request_error",
            null,
            "invalid_api_key"));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION);
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(KEY).doesNotContain("SECRET");
    }
    assertThat(e.getMessage()).contains("[REDACTED]");
    assertThat(logs.list)
        .isNotEmpty()
        .allSatisfy(
            event ->
                assertThat(event.getFormattedMessage())
                    .doesNotContain(KEY)
                    .doesNotContain("SECRET"));
  }

  @Test
  void refusedKeyIsTakenOutAndTheNextKeyAnswersTheSameRequest() throws Exception {
    keys = ApiKeyPool.of("acme", List.of(KEY, OTHER_KEY));
    provider.close();
    provider = provider(server.baseUrl(), HttpTimeouts.DEFAULTS);
    server.stubFor(
        post(PATH)
            .withHeader("Authorization", equalTo("Bearer " + KEY))
            .willReturn(aResponse().withStatus(401).withBody(OpenAiFixtures.INVALID_API_KEY)));
    server.stubFor(
        post(PATH)
            .withHeader("Authorization", equalTo("Bearer " + OTHER_KEY))
            .willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));

    assertThat(provider.complete(ask("Hello!")).text()).startsWith("Hello!");
    assertThat(provider.complete(ask("Hello again!")).text()).startsWith("Hello!");

    assertThat(keys.size()).isEqualTo(1);
    assertThat(server.getAllServeEvents()).hasSize(3);
    assertThat(logs.list)
        .anySatisfy(
            event ->
                assertThat(event.getFormattedMessage()).contains("acme", "sk-…abcd", "HTTP 401"));
  }

  @Test
  void whenEveryKeyIsRefusedTheCallFailsWithAuthenticationWithoutCallingAgain() {
    answer(401, OpenAiFixtures.INVALID_API_KEY);
    assertThat(completeFails().code()).isEqualTo(ErrorCode.AUTHENTICATION);

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("no API key left");
    assertThat(server.getAllServeEvents()).hasSize(1);
  }

  @Test
  void requestThatCannotBeExpressedIsNonRetryableInvalidRequestAndNeverSent() {
    Message odd = Message.newBuilder().setRole(Role.UNKNOWN_ROLE).setText("?").build();

    ProviderException e =
        completeFails(new ChatRequest("req-9", "gpt-4o-mini", List.of(odd), null));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("req-9", "UNKNOWN_ROLE");
    assertThat(server.getAllServeEvents()).isEmpty();
  }
}
