package io.promptyard.catalog;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach one provider: its adapter type, base URL and where its API keys come from.
 *
 * @param name the catalog name, also the suffix of its route topic
 * @param type the adapter, e.g. {@code openai-compatible}
 * @param baseUrl the API's base URL, e.g. {@code https://api.openai.com/v1}
 * @param apiKeyEnv environment variables holding API keys (a pool; any may be unset)
 * @param apiKeyFile a file with one API key per line, or null
 * @param keyRequired whether the provider is unusable without a key
 * @param options adapter-specific settings from the catalog's {@code options} map, e.g. Azure's
 *     {@code apiVersion}, Anthropic's {@code anthropicVersion}, Bedrock's {@code region}; and, for
 *     every adapter, {@value #OPTION_MAX_RESPONSE_BYTES} and {@value #OPTION_IMAGE_URL_PREFIXES}
 */
public record ProviderSpec(
    String name,
    String type,
    String baseUrl,
    List<String> apiKeyEnv,
    String apiKeyFile,
    boolean keyRequired,
    Map<String, String> options) {

  /**
   * Catalog option of every adapter: the largest answer body read from the provider, streamed or
   * not, in bytes.
   */
  public static final String OPTION_MAX_RESPONSE_BYTES = "maxResponseBytes";

  /**
   * Catalog option of every adapter: URL prefixes, comma-separated (or a YAML list), under which
   * image URLs other than {@code https:} and {@code data:} may be sent to this provider, e.g.
   * {@code http://images.internal/} for a self-hosted server; see {@link ImageUrlPolicy}.
   */
  public static final String OPTION_IMAGE_URL_PREFIXES = "imageUrlPrefixes";

  /**
   * The default {@value #OPTION_MAX_RESPONSE_BYTES}: 32 MiB, room for a streamed answer of 128k
   * tokens with each token's event around it.
   */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

  public ProviderSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(baseUrl, "baseUrl");
    apiKeyEnv = List.copyOf(apiKeyEnv);
    options = Map.copyOf(options);
  }

  /** A provider without adapter-specific options. */
  public ProviderSpec(
      String name,
      String type,
      String baseUrl,
      List<String> apiKeyEnv,
      String apiKeyFile,
      boolean keyRequired) {
    this(name, type, baseUrl, apiKeyEnv, apiKeyFile, keyRequired, Map.of());
  }

  /** The same provider at another base URL. */
  public ProviderSpec withBaseUrl(String url) {
    return new ProviderSpec(name, type, url, apiKeyEnv, apiKeyFile, keyRequired, options);
  }

  /**
   * The largest answer body the adapter reads ({@value #OPTION_MAX_RESPONSE_BYTES}); a larger one
   * fails the call without a retry, so that a broken or hostile endpoint cannot fill the worker's
   * memory.
   *
   * @throws IllegalArgumentException when the option is not a positive number of bytes
   */
  public long maxResponseBytes() {
    return positiveOption(
        OPTION_MAX_RESPONSE_BYTES, DEFAULT_MAX_RESPONSE_BYTES, Long.MAX_VALUE, "number of bytes");
  }

  /**
   * The image URLs this provider may be sent: https and data URLs, and those under its {@value
   * #OPTION_IMAGE_URL_PREFIXES}.
   *
   * @throws IllegalArgumentException naming the provider and the option when a prefix is not an
   *     absolute URL with a host
   */
  public ImageUrlPolicy imageUrls() {
    String prefixes = option(OPTION_IMAGE_URL_PREFIXES, "");
    if (prefixes.isBlank()) {
      return ImageUrlPolicy.DEFAULT;
    }
    try {
      return ImageUrlPolicy.parse(prefixes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "provider " + name + ": option " + OPTION_IMAGE_URL_PREFIXES + ": " + e.getMessage(), e);
    }
  }

  /**
   * An adapter option that counts something (tokens, connections), or {@code fallback} when the
   * catalog does not set it.
   *
   * @throws IllegalArgumentException naming the provider and the option when it is set to anything
   *     but a positive whole number
   */
  public int positiveIntOption(String key, int fallback) {
    return (int) positiveOption(key, fallback, Integer.MAX_VALUE, "whole number");
  }

  /**
   * Option {@code key} as a number from 1 to {@code max}.
   *
   * @param what what the number is, for the message: "whole number", "number of bytes"
   */
  private long positiveOption(String key, long fallback, long max, String what) {
    String value = option(key, Long.toString(fallback)).strip();
    try {
      long n = Long.parseLong(value);
      if (n > 0 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "provider "
            + name
            + ": option "
            + key
            + " must be a positive "
            + what
            + ", was '"
            + value
            + "'");
  }

  /** An adapter option, or {@code fallback} when the catalog does not set it. */
  public String option(String key, String fallback) {
    return options.getOrDefault(key, fallback);
  }
}
