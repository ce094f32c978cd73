package io.promptyard.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.promptyard.providers.openai.OpenAiRequests.image;
import static io.promptyard.providers.openai.OpenAiRequests.text;
import static io.promptyard.providers.openai.OpenAiRequests.userWithParts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A self-hosted OpenAI-compatible server (vLLM, Ollama) fetches image URLs itself, so the adapter
 * refuses, without calling, any image URL that is neither https nor base64 image data, unless it
 * lies under the provider's {@code imageUrlPrefixes}: jobs may reach a worker without passing the
 * router's check (a replayed dead letter).
 */
class OpenAiCompatibleImageUrlTest {

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private OpenAiCompatibleProvider provider;

  private OpenAiCompatibleProvider provider(Map<String, String> options) {
    ProviderSpec spec =
        new ProviderSpec(
            "vllm", "openai-compatible", server.baseUrl() + "/v1", List.of(), null, false, options);
    provider = new OpenAiCompatibleProvider(spec, ApiKeyPool.empty("vllm"));
    return provider;
  }

  @AfterEach
  void close() {
    if (provider != null) {
      provider.close();
    }
  }

  private static ChatRequest asking(String url) {
    return new ChatRequest(
        "req-1",
        "qwen2.5-vl",
        List.of(userWithParts(text("What is in this image?"), image(url, null))),
        null);
  }

  private String sentImageUrl() throws Exception {
    return new ObjectMapper()
        .readTree(server.getAllServeEvents().getFirst().getRequest().getBodyAsString())
        .at("/messages/0/content/1/image_url/url")
        .asText();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://169.254.169.254/latest/meta-data/",
        "HTTP://localhost:11434/api/tags",
        "file:///etc/passwd",
        "ftp://files.internal/cat.png",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "javascript:alert(1)",
        "http://images.internal.evil.com/cat.png",
      })
  void anImageUrlOutsideThePolicyFailsWithoutACallOrARetry(String url) {
    server.stubFor(post("/v1/chat/completions").willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));

    ProviderException e =
        catchThrowableOfType(
            ProviderException.class,
            () ->
                provider(Map.of(ProviderSpec.OPTION_IMAGE_URL_PREFIXES, "http://images.internal/"))
                    .complete(asking(url)));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("scheme '").contains("https: or data:");
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://example.com/cat.png", "data:image/png;base64,iVBORw0KGgo="})
  void httpsAndDataImageUrlsAreSent(String url) throws Exception {
    server.stubFor(post("/v1/chat/completions").willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));

    provider(Map.of()).complete(asking(url));

    assertThat(sentImageUrl()).isEqualTo(url);
  }

  @Test
  void anImageUrlUnderTheProvidersPrefixIsSent() throws Exception {
    server.stubFor(post("/v1/chat/completions").willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));

    provider(Map.of(ProviderSpec.OPTION_IMAGE_URL_PREFIXES, "http://images.internal/"))
        .complete(asking("http://images.internal/cats/cat.png"));

    assertThat(sentImageUrl()).isEqualTo("http://images.internal/cats/cat.png");
  }
}
