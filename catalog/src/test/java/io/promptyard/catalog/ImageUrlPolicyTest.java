package io.promptyard.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageUrlPolicyTest {

  private static final ImageUrlPolicy SELF_HOSTED =
      ImageUrlPolicy.parse("http://images.internal/, http://10.0.0.7:8080/img");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "http://169.254.169.254/latest/meta-data/ | 'http' and host '169.254.169.254'",
        "http://localhost:8080/cat.png            | 'http' and host 'localhost'",
        "HTTP://EXAMPLE.COM/cat.png               | 'http' and host 'EXAMPLE.COM'",
        "file:///etc/passwd                       | 'file'",
        "ftp://files.example.com/cat.png          | 'ftp' and host 'files.example.com'",
        "gopher://localhost:70/_x                 | 'gopher' and host 'localhost'",
        "javascript:alert(1)                      | 'javascript'",
        "gs://bucket/cat.png                      | 'gs' and host 'bucket'",
        "data:text/html;base64,PHNjcmlwdD4=       | 'data'",
        "data:image/png,not-base64                | 'data'",
        "data:image/png;;base64,AAAA              | 'data'",
        "data:image/;base64,AAAA                  | 'data'",
        "https:cat.png                            | 'https'",
        "ftp://bad host/cat.png                   | 'ftp' (not a valid URL)",
      })
  void urlsOtherThanHttpsAndDataImagesAreRefusedNamingTheirSchemeAndHost(String url, String named) {
    assertThat(ImageUrlPolicy.DEFAULT.refusal(url))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .contains("scheme " + named)
                    .contains("must be https: or data:image/...;base64"));
  }

  /**
   * Read on a thread with a Kafka Streams thread's stack: the pattern these URLs were matched with
   * recursed once per parameter and overflowed it at a few thousand, which stopped the router.
   */
  @Test
  void aDataUrlWithThousandsOfParametersIsJudgedWithinAThreadsStack() throws Exception {
    String many = "data:image/png" + ";a=b".repeat(20_000);
    java.util.concurrent.FutureTask<List<Optional<String>>> judged =
        new java.util.concurrent.FutureTask<>(
            () ->
                List.of(
                    ImageUrlPolicy.DEFAULT.refusal(many + ";base64,AAAA"),
                    ImageUrlPolicy.DEFAULT.refusal(many + ";a,b;base64,AAAA")));
    Thread judging = new Thread(null, judged, "judging", 1024 * 1024);
    judging.start();

    assertThat(judged.get().get(0)).isEmpty();
    assertThat(judged.get().get(1)).isPresent();
  }

  @Test
  void aUrlWithoutASchemeIsRefused() {
    assertThat(ImageUrlPolicy.DEFAULT.refusal("cat.png"))
        .hasValueSatisfying(reason -> assertThat(reason).contains("without a scheme"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.com/cat.png",
        "HTTPS://EXAMPLE.COM/cat.png?size=large",
        "https://user:pw@example.com/cat.png",
        "https://example.com/a cat.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "DATA:IMAGE/JPEG;BASE64,/9j/4AAQ",
        "data:image/svg+xml;charset=utf-8;base64,PHN2Zz4=",
      })
  void httpsAndBase64ImageDataAreAllowedByDefault(String url) {
    assertThat(ImageUrlPolicy.DEFAULT.refusal(url)).isEmpty();
  }

  @Test
  void theReasonNamesNoPathQueryOrUser() {
    String reason =
        ImageUrlPolicy.DEFAULT
            .refusal("http://admin:s3cret@169.254.169.254/latest/meta-data?token=abc")
            .orElseThrow();

    assertThat(reason).contains("169.254.169.254").doesNotContain("s3cret", "admin", "token");
    assertThat(reason).doesNotContain("latest", "meta-data");
  }

  @Test
  void controlCharactersAreNeverEchoedInTheReason() {
    String reason = ImageUrlPolicy.DEFAULT.refusal("x\u001bq:foo bar").orElseThrow();

    assertThat(reason).doesNotContain("\u001b");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://images.internal/cat.png",
        "http://IMAGES.INTERNAL/cats/cat.png",
        "http://images.internal:80/cat.png",
        "http://images.internal",
        "http://10.0.0.7:8080/img",
        "http://10.0.0.7:8080/img/cat.png",
      })
  void urlsUnderAnAllowedPrefixAreAllowed(String url) {
    assertThat(SELF_HOSTED.refusal(url)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://images.internal.evil.com/cat.png",
        "http://images.internal@evil.com/cat.png",
        "http://evil.com/http://images.internal/cat.png",
        "http://images.internal:8080/cat.png",
        "ftp://images.internal/cat.png",
        "http://10.0.0.7:8080/imgs/cat.png",
        "http://10.0.0.7:8080/img/../admin",
        "http://10.0.0.7:8080/img/%2e%2e/admin",
        "http://10.0.0.7/img/cat.png",
        "http://169.254.169.254/latest/meta-data/",
      })
  void lookAlikesOfAnAllowedPrefixAreRefused(String url) {
    assertThat(SELF_HOSTED.refusal(url))
        .hasValueSatisfying(reason -> assertThat(reason).doesNotContain("images.internal/"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "images.internal/",
        "http:/images.internal",
        "http://user@images.internal/",
        "http://images.internal/?x=1",
        "file:///srv/images/"
      })
  void aPrefixMustBeAnAbsoluteUrlWithAHostAndNoUserOrQuery(String prefix) {
    assertThatThrownBy(() -> ImageUrlPolicy.parse(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(prefix);
  }

  @Test
  void theCatalogOptionTakesAListOrACommaSeparatedString() {
    ModelCatalog catalog =
        ModelCatalog.parse(
            """
            providers:
              vllm:
                type: openai-compatible
                baseUrl: http://vllm.internal:8000/v1
                options:
                  imageUrlPrefixes: [http://images.internal/, http://10.0.0.7:8080/img/]
              ollama:
                type: openai-compatible
                baseUrl: http://localhost:11434/v1
                options: {imageUrlPrefixes: "http://images.internal/, gs://bucket/"}
            models: []
            """
                .getBytes(StandardCharsets.UTF_8),
            "test");

    ImageUrlPolicy vllm = catalog.provider("vllm").orElseThrow().imageUrls();
    ImageUrlPolicy ollama = catalog.provider("ollama").orElseThrow().imageUrls();
    assertThat(vllm.allows("http://10.0.0.7:8080/img/cat.png")).isTrue();
    assertThat(vllm.allows("gs://bucket/cat.png")).isFalse();
    assertThat(ollama.allows("gs://bucket/cat.png")).isTrue();
    assertThat(ollama.allows("http://images.internal/cat.png")).isTrue();
  }

  @Test
  void aProviderWithoutTheOptionGetsTheDefault() {
    ProviderSpec spec =
        new ProviderSpec("openai", "openai", "https://api.openai.com/v1", List.of(), null, true);

    assertThat(spec.imageUrls()).isEqualTo(ImageUrlPolicy.DEFAULT);
  }

  @Test
  void aMalformedPrefixFailsTheCatalogNamingProviderAndOption() {
    byte[] yaml =
        """
        providers:
          vllm:
            type: openai-compatible
            baseUrl: http://vllm.internal:8000/v1
            options: {imageUrlPrefixes: "images.internal"}
        models: []
        """
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ModelCatalog.parse(yaml, "test"))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("providers.vllm")
        .hasMessageContaining("imageUrlPrefixes")
        .hasMessageContaining("images.internal");
  }

  @Test
  void specOptionsAreUsedAsGiven() {
    ProviderSpec spec =
        new ProviderSpec(
            "vllm",
            "openai-compatible",
            "http://vllm.internal:8000/v1",
            List.of(),
            null,
            false,
            Map.of(ProviderSpec.OPTION_IMAGE_URL_PREFIXES, "http://images.internal/"));

    assertThat(spec.imageUrls().allows("http://images.internal/cat.png")).isTrue();
  }
}
