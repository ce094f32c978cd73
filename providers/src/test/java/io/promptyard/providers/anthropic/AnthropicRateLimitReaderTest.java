package io.promptyard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.providers.RateLimits;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnthropicRateLimitReaderTest {

  private static final Instant NOW = Instant.parse("2025-08-21T12:40:30Z");

  private static HttpHeaders headers(Map<String, String> values) {
    return HttpHeaders.of(
        values.entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
        (a, b) -> true);
  }

  @Test
  void rfc3339ResetTimesBecomeTheTimeLeftUntilThem() {
    RateLimits limits =
        AnthropicRateLimitReader.read(
            headers(
                Map.of(
                    "anthropic-ratelimit-requests-limit", "1000",
                    "anthropic-ratelimit-requests-remaining", "999",
                    "anthropic-ratelimit-requests-reset", "2025-08-21T12:40:59Z",
                    "anthropic-ratelimit-tokens-limit", "96000",
                    "anthropic-ratelimit-tokens-remaining", "96000",
                    "anthropic-ratelimit-tokens-reset", "2025-08-21T14:41:00.5+02:00",
                    "retry-after", "12")),
            NOW);

    assertThat(limits)
        .isEqualTo(
            new RateLimits(
                1000L,
                999L,
                Duration.ofSeconds(29),
                96000L,
                96000L,
                Duration.ofMillis(30_500),
                Duration.ofSeconds(12)));
  }

  @Test
  void withoutCombinedTokenHeadersTheScarcerOfInputAndOutputTokensIsReported() {
    RateLimits limits =
        AnthropicRateLimitReader.read(
            headers(
                Map.of(
                    "anthropic-ratelimit-input-tokens-limit", "80000",
                    "anthropic-ratelimit-input-tokens-remaining", "79000",
                    "anthropic-ratelimit-input-tokens-reset", "2025-08-21T12:40:31Z",
                    "anthropic-ratelimit-output-tokens-limit", "16000",
                    "anthropic-ratelimit-output-tokens-remaining", "100",
                    "anthropic-ratelimit-output-tokens-reset", "2025-08-21T12:41:30Z")),
            NOW);

    assertThat(limits.limitTokens()).isEqualTo(16000);
    assertThat(limits.remainingTokens()).isEqualTo(100);
    assertThat(limits.resetTokens()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void pastOrUnreadableResetTimesAreZeroOrUnknown() {
    RateLimits limits =
        AnthropicRateLimitReader.read(
            headers(
                Map.of(
                    "anthropic-ratelimit-requests-reset", "2025-08-21T12:00:00Z",
                    "anthropic-ratelimit-tokens-reset", "in a minute",
                    "anthropic-ratelimit-tokens-remaining", "lots")),
            NOW);

    assertThat(limits.resetRequests()).isZero();
    assertThat(limits.resetTokens()).isNull();
    assertThat(limits.remainingTokens()).isNull();
  }
}
