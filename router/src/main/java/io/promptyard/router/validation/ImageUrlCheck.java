package io.promptyard.router.validation;

import io.promptyard.catalog.ImageUrlPolicy;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Refuses image URLs before a request is routed: a URL that no provider of the catalog may be sent
 * (see {@link ImageUrlPolicy}) makes the request invalid, and a provider that may not be sent one
 * of the request's URLs is no candidate for it. So a request cannot make a self-hosted server fetch
 * an internal address, and is refused before it costs anything.
 */
public final class ImageUrlCheck {

  private final Map<String, ImageUrlPolicy> byProvider;

  /**
   * @throws IllegalArgumentException when a provider's image URL prefixes are malformed
   */
  public ImageUrlCheck(ModelCatalog catalog) {
    this.byProvider =
        catalog.providers().stream()
            .collect(Collectors.toUnmodifiableMap(ProviderSpec::name, ProviderSpec::imageUrls));
  }

  /** One image URL of a request and where it is, e.g. {@code messages[0].parts[1]}. */
  public record ImageUrl(String where, String url) {}

  /** The request's image URLs, in order. */
  public static List<ImageUrl> of(CompletionRequest request) {
    List<ImageUrl> urls = new ArrayList<>();
    for (int i = 0; i < request.getMessages().size(); i++) {
      Message m = request.getMessages().get(i);
      for (int j = 0; j < m.getParts().size(); j++) {
        ContentPart p = m.getParts().get(j);
        if ("image_url".equals(p.getType()) && p.getImageUrl() != null) {
          urls.add(new ImageUrl("messages[" + i + "].parts[" + j + "]", p.getImageUrl()));
        }
      }
    }
    return urls;
  }

  /** Why the request is invalid: an image URL that no provider may be sent; or empty. */
  public Optional<String> problem(List<ImageUrl> urls) {
    for (ImageUrl u : urls) {
      Optional<String> refusal = ImageUrlPolicy.DEFAULT.refusal(u.url());
      if (refusal.isPresent() && byProvider.values().stream().noneMatch(p -> p.allows(u.url()))) {
        return Optional.of(u.where() + " has " + refusal.get());
      }
    }
    return Optional.empty();
  }

  /** Why {@code provider} may not be sent one of the URLs, or null when it may. */
  public String misfit(String provider, List<ImageUrl> urls) {
    ImageUrlPolicy policy = byProvider.getOrDefault(provider, ImageUrlPolicy.DEFAULT);
    for (ImageUrl u : urls) {
      Optional<String> refusal = policy.refusal(u.url());
      if (refusal.isPresent()) {
        return u.where() + " has " + refusal.get();
      }
    }
    return null;
  }
}
