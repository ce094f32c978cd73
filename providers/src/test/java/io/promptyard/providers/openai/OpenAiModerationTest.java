package io.promptyard.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ModerationVerdict;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The moderation call over real HTTP, in the shape OpenAI documents for POST /v1/moderations. */
class OpenAiModerationTest {

  static final String KEY = "sk-proj-MODERATIONmoderation0123abcd";

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private OpenAiModeration moderation;

  @BeforeEach
  void start() {
    moderation =
        new OpenAiModeration(
            server.baseUrl() + "/v1",
            "omni-moderation-latest",
            ApiKeyPool.of("moderation", List.of(KEY)),
            new HttpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() {
    moderation.close();
  }

  @Test
  void postsModelAndInputAndReadsTheFlaggedCategoriesAndTheirHighestScore() throws Exception {
    server.stubFor(
        post("/v1/moderations")
            .willReturn(
                okJson(
                    """
                    {"id": "modr-1", "model": "omni-moderation-2024-09-26",
                     "results": [{"flagged": true,
                       "categories": {"harassment": false, "violence": true, "violence/graphic": true},
                       "category_scores": {"harassment": 0.01, "violence": 0.93, "violence/graphic": 0.41}}]}
                    """)));

    ModerationVerdict verdict = moderation.moderate("r-1", "an answer");

    assertThat(verdict.flagged()).isTrue();
    assertThat(verdict.categories()).containsExactly("violence", "violence/graphic");
    assertThat(verdict.score()).isEqualTo(0.93);
    server.verify(
        postRequestedFor(urlEqualTo("/v1/moderations"))
            .withHeader("Authorization", equalTo("Bearer " + KEY))
            .withHeader("Content-Type", equalTo("application/json"))
            .withRequestBody(
                equalToJson("{\"model\": \"omni-moderation-latest\", \"input\": \"an answer\"}")));
  }

  @Test
  void anUnflaggedTextHasNoCategories() throws Exception {
    server.stubFor(
        post("/v1/moderations")
            .willReturn(
                okJson(
                    """
                    {"id": "modr-2", "model": "omni-moderation-latest",
                     "results": [{"flagged": false, "categories": {"violence": false},
                       "category_scores": {"violence": 0.0002}}]}
                    """)));

    ModerationVerdict verdict = moderation.moderate("r-2", "hello");

    assertThat(verdict.flagged()).isFalse();
    assertThat(verdict.categories()).isEmpty();
  }

  @Test
  void anAnswerWithoutResultsIsMalformedAndARefusedKeyIsAnAuthenticationError() {
    server.stubFor(post("/v1/moderations").willReturn(okJson("{\"id\": \"modr-3\"}")));

    ProviderException malformed =
        catchThrowableOfType(ProviderException.class, () -> moderation.moderate("r-3", "hello"));

    assertThat(malformed.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);

    server.stubFor(
        post("/v1/moderations")
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\": {\"message\": \"Incorrect API key provided\","
                            + " \"type\": \"invalid_request_error\", \"code\": \"invalid_api_key\"}}")));

    ProviderException refused =
        catchThrowableOfType(ProviderException.class, () -> moderation.moderate("r-4", "hello"));

    assertThat(refused.code()).isEqualTo(ErrorCode.AUTHENTICATION);
    assertThat(refused.getMessage()).doesNotContain(KEY);
  }
}
