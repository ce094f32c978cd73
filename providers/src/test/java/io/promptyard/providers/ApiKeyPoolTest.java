package io.promptyard.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.promptyard.catalog.ProviderSpec;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ApiKeyPoolTest {

  static final String A = "sk-aaaaaaaaaaaaaaaa1111";
  static final String B = "sk-bbbbbbbbbbbbbbbb2222";
  static final String C = "sk-cccccccccccccccc3333";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ApiKeyPool.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  private static ProviderSpec spec(List<String> env, String file, boolean keyRequired) {
    return new ProviderSpec(
        "openai", "openai-compatible", "https://api.openai.com/v1", env, file, keyRequired);
  }

  @Test
  void keysAreHandedOutRoundRobin() {
    ApiKeyPool pool = ApiKeyPool.of("openai", List.of(A, B, C));

    List<String> handedOut = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      handedOut.add(pool.next().orElseThrow());
    }

    assertThat(handedOut).containsExactly(A, B, C, A, B, C);
  }

  @Test
  void keysComeFromTheNamedEnvironmentVariablesInOrderSkippingUnsetAndBlankOnes() {
    Map<String, String> env =
        Map.of(
            "OPENAI_API_KEY", A, "OPENAI_API_KEY_2", "  ", "OPENAI_API_KEY_3", C, "UNRELATED", B);

    ApiKeyPool pool =
        ApiKeyPool.from(
            spec(
                List.of("OPENAI_API_KEY", "OPENAI_API_KEY_2", "OPENAI_API_KEY_3", "MISSING"),
                null,
                true),
            env);

    assertThat(pool.size()).isEqualTo(2);
    assertThat(List.of(pool.next().orElseThrow(), pool.next().orElseThrow())).containsExactly(A, C);
  }

  @Test
  void keyFileGivesOneKeyPerLineSkippingCommentsBlankLinesAndDuplicates(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("keys");
    Files.writeString(
        file, "# team keys, rotated monthly\n" + B + "\n\n  " + C + "  \n" + A + "\n");

    ApiKeyPool pool =
        ApiKeyPool.from(
            spec(List.of("OPENAI_API_KEY"), file.toString(), true), Map.of("OPENAI_API_KEY", A));

    assertThat(pool.size()).isEqualTo(3);
    assertThat(
            List.of(
                pool.next().orElseThrow(), pool.next().orElseThrow(), pool.next().orElseThrow()))
        .containsExactly(A, B, C);
  }

  @Test
  void unreadableKeyFileFailsNamingTheProviderAndFile(@TempDir Path dir) {
    String missing = dir.resolve("nope").toString();

    assertThatThrownBy(() -> ApiKeyPool.from(spec(List.of(), missing, true), Map.of()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("openai")
        .hasMessageContaining(missing);
  }

  @Test
  void providerWithoutKeysGetsAnEmptyPool() {
    ApiKeyPool pool = ApiKeyPool.from(spec(List.of(), null, false), Map.of());

    assertThat(pool.size()).isZero();
    assertThat(pool.next()).isEmpty();
  }

  @Test
  void rejectedKeyLeavesTheRotationAndIsLoggedByFingerprintOnly() {
    ApiKeyPool pool = ApiKeyPool.of("openai", List.of(A, B));

    pool.reject(A, "HTTP 401 invalid_api_key");

    assertThat(pool.size()).isEqualTo(1);
    assertThat(List.of(pool.next(), pool.next())).containsOnly(Optional.of(B));
    assertThat(logs.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getFormattedMessage())
                  .contains("openai", "sk-…1111", "HTTP 401 invalid_api_key", "1 key(s) left")
                  .doesNotContain(A);
            });
  }

  @Test
  void rejectingAKeyTwiceLogsOnce() {
    ApiKeyPool pool = ApiKeyPool.of("openai", List.of(A));

    pool.reject(A, "HTTP 401");
    pool.reject(A, "HTTP 401");

    assertThat(pool.isEmpty()).isTrue();
    assertThat(pool.next()).isEmpty();
    assertThat(logs.list).hasSize(1);
  }

  @Test
  void fingerprintShowsThePrefixAndLastFourCharactersOnly() {
    assertThat(ApiKeyPool.fingerprint(A)).isEqualTo("sk-…1111");
    assertThat(ApiKeyPool.fingerprint("gsk_0123456789abcdef")).isEqualTo("…cdef");
    assertThat(ApiKeyPool.fingerprint("short")).isEqualTo("…");
  }

  @Test
  void redactRemovesEveryKeyTheProviderEverHadAndCredentialPatterns() {
    ApiKeyPool pool = ApiKeyPool.of("openai", List.of(A, "plain-secret-without-prefix"));
    pool.reject(A, "test");

    String redacted =
        pool.redact(
            "keys "
                + A
                + " and plain-secret-without-prefix; Authorization: Bearer xyz.123 and sk-proj-AbC_99");

    assertThat(redacted)
        .doesNotContain(A, "plain-secret-without-prefix", "xyz.123", "sk-proj-AbC_99")
        .contains("Bearer [REDACTED]");
    assertThat(pool.redact("task-123456 is fine")).isEqualTo("task-123456 is fine");
  }

  @Test
  void keyWithCharactersHttpHeadersForbidIsIgnoredAndLoggedByFingerprint() {
    String broken = "sk-broken key-with-space-9999";

    ApiKeyPool pool = ApiKeyPool.of("openai", List.of(broken, A));

    assertThat(pool.size()).isEqualTo(1);
    assertThat(pool.next()).contains(A);
    assertThat(logs.list)
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.getFormattedMessage())
                    .contains("openai", "sk-…9999")
                    .doesNotContain(broken));
  }

  @Test
  void aKeyIdIsTwelveHexDigitsOfItsHashAndNamesTheKeyACallersPins() {
    ApiKeyPool pool = ApiKeyPool.of("openai", List.of(A, B, C));

    assertThat(ApiKeyPool.keyId(A)).matches("[0-9a-f]{12}").isNotEqualTo(ApiKeyPool.keyId(B));
    assertThat(pool.keyIds())
        .containsExactly(ApiKeyPool.keyId(A), ApiKeyPool.keyId(B), ApiKeyPool.keyId(C));
    assertThat(pool.next(ApiKeyPool.keyId(C))).contains(C);
    assertThat(pool.next(ApiKeyPool.keyId(C))).contains(C);
    pool.reject(C, "HTTP 401");
    assertThat(pool.next(ApiKeyPool.keyId(C)))
        .as("a rejected key is replaced by the next in rotation")
        .isPresent()
        .get()
        .isNotEqualTo(C);
  }

  @Test
  void toStringNeverShowsKeys() {
    assertThat(ApiKeyPool.of("openai", List.of(A)).toString()).doesNotContain(A).contains("1 key");
  }
}
