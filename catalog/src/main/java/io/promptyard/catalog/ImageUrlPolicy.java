package io.promptyard.catalog;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which image URLs a provider may be sent: {@code https:} URLs and base64 {@code data:image/...}
 * URLs always, and URLs under the provider's extra prefixes (catalog option {@value
 * ProviderSpec#OPTION_IMAGE_URL_PREFIXES}) for a self-hosted server that fetches images from an
 * internal host. Anything else is refused, because a server that fetches image URLs itself (vLLM,
 * Ollama) could otherwise be made to read internal addresses (cloud metadata, localhost, {@code
 * file:}).
 *
 * <p>Prefixes are matched on the parsed URI — scheme, host, port and whole path segments — never as
 * raw strings, so that {@code http://images.internal/} does not admit {@code
 * http://images.internal.evil.com/} or {@code http://images.internal@evil.com/}.
 *
 * @param prefixes the extra prefixes, each absolute with a host and without user, query or fragment
 */
public record ImageUrlPolicy(List<URI> prefixes) {

  /** Only {@code https:} and {@code data:image/...;base64,} URLs. */
  public static final ImageUrlPolicy DEFAULT = new ImageUrlPolicy(List.of());

  private static final Pattern IMAGE_TYPE = Pattern.compile("(?i)image/[a-z0-9.+-]+");
  private static final Pattern PARAMETER = Pattern.compile("(?i)[a-z0-9.+=-]+");
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,19}");

  public ImageUrlPolicy {
    prefixes = List.copyOf(prefixes);
  }

  /**
   * A policy with the prefixes of a comma-separated list such as {@code http://images.internal/,
   * http://10.0.0.7:8080/img/}.
   *
   * @throws IllegalArgumentException naming the entry that is not an absolute URL with a host, or
   *     that carries a user, query or fragment
   */
  public static ImageUrlPolicy parse(String commaSeparated) {
    List<URI> prefixes = new ArrayList<>();
    for (String entry : commaSeparated.split(",")) {
      String s = entry.strip();
      if (s.isEmpty()) {
        continue;
      }
      URI uri;
      try {
        uri = new URI(s);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("'" + s + "' is not a URL: " + e.getReason(), e);
      }
      if (uri.getScheme() == null
          || uri.getHost() == null
          || uri.getRawUserInfo() != null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "'"
                + s
                + "' must be an absolute URL with a host and no user, query or fragment, such as"
                + " http://images.internal/");
      }
      prefixes.add(uri);
    }
    return new ImageUrlPolicy(prefixes);
  }

  /** Whether {@code url} may be sent. */
  public boolean allows(String url) {
    return refusal(url).isEmpty();
  }

  /**
   * Why {@code url} may not be sent, or empty when it may. The reason names the URL's scheme and
   * host at most (escaped), never its path, query or user, which may carry secrets.
   */
  public Optional<String> refusal(String url) {
    if (url == null || isImageData(url)) {
      return Optional.empty();
    }
    URI uri = parsed(url);
    if (uri == null && url.strip().toLowerCase(Locale.ROOT).startsWith("https://")) {
      // an https URL with characters java.net.URI is strict about (a space, '|'): the providers
      // have always been sent those, and https is allowed whatever its host
      return Optional.empty();
    }
    if (uri != null && uri.getScheme() != null) {
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.equals("https") && uri.getRawAuthority() != null) {
        return Optional.empty();
      }
      if (prefixes.stream().anyMatch(p -> under(uri, p))) {
        return Optional.empty();
      }
    }
    return Optional.of(describe(url, uri) + " that " + allowedList());
  }

  /** {@code data:image/<subtype>[;<parameter>]*;base64,<data>}. */
  private static boolean isImageData(String url) {
    return DataUrl.base64(url)
        .filter(d -> IMAGE_TYPE.matcher(d.mediaType()).matches())
        .filter(d -> d.parameters().stream().allMatch(p -> PARAMETER.matcher(p).matches()))
        .isPresent();
  }

  private String allowedList() {
    // the prefixes themselves are not named: they are internal addresses, and this reason reaches
    // the producer
    return "is not allowed: image URLs must be https: or data:image/...;base64"
        + (prefixes.isEmpty()
            ? " (a self-hosted provider may allow more with the catalog option "
                + ProviderSpec.OPTION_IMAGE_URL_PREFIXES
                + ")"
            : ", or start with one of the provider's " + ProviderSpec.OPTION_IMAGE_URL_PREFIXES);
  }

  private static URI parsed(String url) {
    try {
      return new URI(url.strip());
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** "an image URL with scheme 'http' and host '169.254.169.254'", escaped. */
  private static String describe(String url, URI uri) {
    String scheme;
    if (uri != null && uri.getScheme() != null) {
      scheme = uri.getScheme();
    } else {
      int colon = url.indexOf(':');
      scheme =
          colon > 0 && SCHEME.matcher(url.substring(0, colon)).matches()
              ? url.substring(0, colon)
              : null;
    }
    if (scheme == null) {
      return "an image URL without a scheme";
    }
    String text = "an image URL with scheme '" + escape(scheme.toLowerCase(Locale.ROOT)) + "'";
    if (uri == null) {
      return text + " (not a valid URL)";
    }
    return uri.getHost() == null ? text : text + " and host '" + escape(uri.getHost()) + "'";
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .limit(100)
        .forEach(
            c -> {
              if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
                b.appendCodePoint(c);
              } else {
                b.append(String.format(Locale.ROOT, "\\u%04x", c));
              }
            });
    return b.toString();
  }

  /** Whether {@code uri} is {@code prefix} or below it, segment by segment. */
  private static boolean under(URI uri, URI prefix) {
    if (!uri.getScheme().equalsIgnoreCase(prefix.getScheme())
        || uri.getHost() == null
        || !uri.getHost().equalsIgnoreCase(prefix.getHost())
        || port(uri) != port(prefix)) {
      return false;
    }
    String path = uri.normalize().getPath();
    if (path == null) {
      return false;
    }
    // a ".." left after normalizing (or spelled %2e%2e, which normalize does not see) climbs out
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        return false;
      }
    }
    String base = prefix.getPath() == null ? "" : prefix.getPath();
    if (base.isEmpty() || base.endsWith("/")) {
      return path.startsWith(base) || (path + "/").equals(base);
    }
    return path.equals(base) || path.startsWith(base + "/");
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
      case "http" -> 80;
      case "https" -> 443;
      default -> -1;
    };
  }
}
