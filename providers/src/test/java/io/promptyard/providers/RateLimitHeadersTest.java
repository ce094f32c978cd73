package io.promptyard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitHeadersTest {

  private static HttpHeaders headers(Map<String, String> values) {
    Map<String, List<String>> multi = new java.util.HashMap<>();
    values.forEach((k, v) -> multi.put(k, List.of(v)));
    return HttpHeaders.of(multi, (k, v) -> true);
  }

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
    "1s,        1000",
    "6m0s,      360000",
    "20ms,      20",
    "1h2m3.5s,  3723500",
    "0.5s,      500",
    "2m59.56s,  179560",
    "1500us,    1.5",
    "7,         7000",
    "0.25,      250",
  })
  void openAiDurationsAreParsed(String text, double millis) {
    assertThat(RateLimitHeaders.duration(text))
        .isEqualTo(Duration.ofNanos(Math.round(millis * 1_000_000)));
  }

  @Test
  void unparseableDurationsAreNull() {
    assertThat(RateLimitHeaders.duration("soon")).isNull();
    assertThat(RateLimitHeaders.duration("1d")).isNull();
    assertThat(RateLimitHeaders.duration("")).isNull();
    assertThat(RateLimitHeaders.duration(null)).isNull();
  }

  @Test
  void allHeadersAreReadCaseInsensitively() {
    RateLimits limits =
        RateLimitHeaders.parse(
            headers(
                Map.of(
                    "X-RateLimit-Limit-Requests", "60",
                    "x-ratelimit-remaining-requests", "59",
                    "x-ratelimit-reset-requests", "1s",
                    "x-ratelimit-limit-tokens", "150000",
                    "x-ratelimit-remaining-tokens", "149984",
                    "x-ratelimit-reset-tokens", "6ms",
                    "Retry-After", "3")));

    assertThat(limits)
        .isEqualTo(
            new RateLimits(
                60L,
                59L,
                Duration.ofSeconds(1),
                150000L,
                149984L,
                Duration.ofMillis(6),
                Duration.ofSeconds(3)));
  }

  @Test
  void missingOrGarbledHeadersAreNull() {
    RateLimits limits =
        RateLimitHeaders.parse(headers(Map.of("x-ratelimit-remaining-tokens", "lots")));

    assertThat(limits).isEqualTo(RateLimits.UNKNOWN);
  }

  @Test
  void retryAfterMsIsPreferredOverRetryAfter() {
    assertThat(
            RateLimitHeaders.retryAfter(
                headers(Map.of("retry-after", "2", "retry-after-ms", "1250.5")),
                Instant.parse("2027-03-01T00:00:30Z")))
        .isEqualTo(Duration.ofNanos(1_250_500_000));
  }

  @Test
  void retryAfterAsAnHttpDateIsTheTimeUntilThen() {
    Instant now = Instant.parse("2026-11-01T10:00:00Z");

    assertThat(
            RateLimitHeaders.retryAfter(
                headers(Map.of("retry-after", "Sun, 01 Nov 2026 10:00:30 GMT")), now))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(
            RateLimitHeaders.retryAfter(
                headers(Map.of("retry-after", "Sun, 01 Nov 2026 09:00:00 GMT")), now))
        .isEqualTo(Duration.ZERO);
  }

  /** A provider's header of thousands of parts, read on a thread with a worker thread's stack. */
  @Test
  void aDurationOfThousandsOfPartsIsReadWithinAThreadsStack() throws Exception {
    java.util.concurrent.FutureTask<Duration> read =
        new java.util.concurrent.FutureTask<>(() -> RateLimitHeaders.duration("1s".repeat(20_000)));
    new Thread(null, read, "reading", 1024 * 1024).start();

    assertThat(read.get()).isEqualTo(Duration.ofSeconds(20_000));
  }
}
