package io.promptyard.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.router.TestCatalog;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Image URLs a provider may not fetch are refused before routing: by default only https and data
 * image URLs pass; a provider's {@code imageUrlPrefixes} admits more, for that provider only.
 */
class ImageUrlRoutingTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

  /** {@link TestCatalog}, where {@code smart} means alpha/a-large and beta/b-vision. */
  private static RoutingPolicy policy(ModelCatalog catalog) {
    return new RoutingPolicy(catalog, RequestValidator.defaults(), CLOCK);
  }

  /** The test catalog with provider beta allowed to fetch from http://images.internal/. */
  private static ModelCatalog betaSelfHosted() {
    ModelCatalog base = TestCatalog.catalog();
    List<ProviderSpec> providers =
        base.providers().stream()
            .map(
                p ->
                    p.name().equals("beta")
                        ? new ProviderSpec(
                            p.name(),
                            p.type(),
                            p.baseUrl(),
                            p.apiKeyEnv(),
                            p.apiKeyFile(),
                            p.keyRequired(),
                            Map.of(
                                ProviderSpec.OPTION_IMAGE_URL_PREFIXES, "http://images.internal/"))
                        : p)
            .toList();
    return new ModelCatalog(providers, base.models());
  }

  private static CompletionRequest withImage(String url) {
    ContentPart text = ContentPart.newBuilder().setType("text").setText("What is this?").build();
    ContentPart image = ContentPart.newBuilder().setType("image_url").setImageUrl(url).build();
    return CompletionRequest.newBuilder()
        .setId("img-1")
        .setTeam("team-a")
        .setModel("smart")
        .setMessages(
            List.of(Message.newBuilder().setRole(Role.USER).setParts(List.of(text, image)).build()))
        .build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "HTTP://localhost:11434/api/tags",
        "file:///etc/passwd",
        "ftp://files.internal/cat.png",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "javascript:alert(1)",
        "http://images.internal/cat.png",
      })
  void anImageUrlThatIsNeitherHttpsNorDataIsRejectedAsInvalidNamingItsScheme(String url) {
    RoutingOutcome outcome = policy(TestCatalog.catalog()).decide(withImage(url));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            RoutingOutcome.Rejected.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(r.reason())
                  .contains("messages[0].parts[1]")
                  .contains(
                      "scheme '"
                          + url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT)
                          + "'")
                  .contains("https: or data:");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://example.com/cat.png", "data:image/png;base64,iVBORw0KGgo="})
  void httpsAndDataImageUrlsAreRouted(String url) {
    RoutingOutcome outcome = policy(TestCatalog.catalog()).decide(withImage(url));

    assertThat(outcome).isInstanceOf(RoutingOutcome.Routed.class);
  }

  @Test
  void anAllowlistedUrlGoesOnlyToTheProviderThatAllowsIt() {
    RoutingOutcome outcome =
        policy(betaSelfHosted()).decide(withImage("http://images.internal/cats/cat.png"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            RoutingOutcome.Routed.class,
            r -> {
              assertThat(r.request().getDecision().getProvider()).isEqualTo("beta");
              assertThat(r.request().getDecision().getFallbackChain()).isEmpty();
            });
  }

  @Test
  void anAllowlistedUrlPinnedToAnotherProviderFindsNoModel() {
    RoutingOutcome outcome =
        policy(betaSelfHosted())
            .decide(
                CompletionRequest.newBuilder(withImage("http://images.internal/cat.png"))
                    .setModel("alpha/a-large")
                    .build());

    assertThat(outcome)
        .isInstanceOfSatisfying(
            RoutingOutcome.Rejected.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.NO_CAPABLE_MODEL);
              assertThat(r.reason()).contains("alpha/a-large").contains("scheme 'http'");
            });
  }

  @Test
  void aLookAlikeOfAnAllowedHostIsRejected() {
    RoutingOutcome outcome =
        policy(betaSelfHosted()).decide(withImage("http://images.internal.evil.com/cat.png"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            RoutingOutcome.Rejected.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(r.reason()).contains("host 'images.internal.evil.com'");
            });
  }
}
