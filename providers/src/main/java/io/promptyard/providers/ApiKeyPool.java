package io.promptyard.providers;

import io.promptyard.catalog.ProviderSpec;
import io.promptyard.schemas.ingress.ProducerText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider's API keys, handed out round-robin; a key the provider refused (401/403) is taken
 * out of rotation. Keys never appear in logs or messages, only their fingerprint ({@code
 * sk-…abcd}).
 */
public final class ApiKeyPool {

  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyPool.class);

  // Defensive patterns for secrets a provider may echo back in an error message (OpenAI's 401
  // message quotes a masked key, "Incorrect API key provided: sk-proj-****abcd"); known keys are
  // replaced exactly as well.
  private static final Pattern BEARER = Pattern.compile("(?i)\\bBearer\\s+[A-Za-z0-9._~+/=*-]+");
  private static final Pattern SK_KEY = Pattern.compile("(?<![A-Za-z0-9])sk-[A-Za-z0-9_*-]{4,}");
  private static final String REDACTED = "[REDACTED]";
  private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7E]+");

  private final String provider;

  /** Every key ever in the pool, rejected ones included, so that they stay redacted. */
  private final Set<String> known;

  /** The keys still in rotation; replaced, never mutated, so {@link #next()} needs no lock. */
  private volatile List<String> active;

  private final AtomicLong cursor = new AtomicLong();

  private ApiKeyPool(String provider, Collection<String> keys) {
    this.provider = Objects.requireNonNull(provider, "provider");
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    for (String k : keys) {
      if (k == null || k.isBlank()) {
        continue;
      }
      String key = k.strip();
      if (HEADER_SAFE.matcher(key).matches()) {
        distinct.add(key);
      } else {
        // A key a header cannot carry could never authenticate, and HTTP clients quote an invalid
        // header value in their exception messages (the JDK's does): it never enters the pool.
        LOG.warn(
            "provider {}: API key {} ignored: it contains spaces or characters not allowed in an HTTP header",
            provider,
            fingerprint(key));
      }
    }
    this.known = Set.copyOf(distinct);
    this.active = List.copyOf(distinct);
  }

  /**
   * The keys a provider's catalog entry points at: the set environment variables named in {@code
   * apiKeyEnv} (in order) and the lines of {@code apiKeyFile} (blank lines and {@code #} comments
   * skipped), without duplicates. The pool may be empty, which is only usable when the provider
   * does not require a key.
   *
   * @throws UncheckedIOException when {@code apiKeyFile} is set but cannot be read
   */
  public static ApiKeyPool from(ProviderSpec spec, Map<String, String> env) {
    List<String> keys = new ArrayList<>();
    for (String name : spec.apiKeyEnv()) {
      String value = env.get(name);
      if (value != null) {
        keys.add(value);
      }
    }
    if (spec.apiKeyFile() != null) {
      keys.addAll(readKeyFile(spec.name(), Path.of(spec.apiKeyFile())));
    }
    return new ApiKeyPool(spec.name(), keys);
  }

  /** A pool of the given keys. */
  public static ApiKeyPool of(String provider, List<String> keys) {
    return new ApiKeyPool(provider, keys);
  }

  /** A pool without keys, for providers that need none. */
  public static ApiKeyPool empty(String provider) {
    return new ApiKeyPool(provider, List.of());
  }

  private static List<String> readKeyFile(String provider, Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .toList();
    } catch (IOException e) {
      // The exception message names the file only; IOException messages never contain the file's
      // content.
      throw new UncheckedIOException(
          "provider " + provider + ": cannot read apiKeyFile " + file + ": " + e.getMessage(), e);
    }
  }

  public String provider() {
    return provider;
  }

  /** The next key in rotation, or empty when the pool has none (left). */
  public Optional<String> next() {
    List<String> keys = active;
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(keys.get((int) Math.floorMod(cursor.getAndIncrement(), (long) keys.size())));
  }

  /**
   * The key {@code keyId} names when it is still in rotation, else the next key in rotation (empty
   * when there is none); {@code keyId} null means any.
   */
  public Optional<String> next(String keyId) {
    if (keyId != null) {
      for (String key : active) {
        if (keyId(key).equals(keyId)) {
          return Optional.of(key);
        }
      }
    }
    return next();
  }

  /** The ids of the keys in rotation, in rotation order. */
  public List<String> keyIds() {
    return active.stream().map(ApiKeyPool::keyId).toList();
  }

  /**
   * A key's id, for rate-limit buckets, circuits and metrics: the first 12 hex digits of its
   * SHA-256. It names the key without revealing it (unlike {@link #fingerprint}, it shows no
   * character of the key) and without colliding between keys that share their last characters.
   */
  public static String keyId(String key) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(key.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * Takes a key out of rotation because the provider refused it, and says so in the log (by
   * fingerprint).
   */
  public void reject(String key, String reason) {
    boolean removed;
    int left;
    synchronized (this) {
      List<String> keys = new ArrayList<>(active);
      removed = keys.remove(key);
      active = List.copyOf(keys);
      left = keys.size();
    }
    if (removed) {
      LOG.warn(
          "provider {}: API key {} taken out of rotation ({}); {} key(s) left",
          provider,
          fingerprint(key),
          ProducerText.escape(reason),
          left);
    }
  }

  /** How many keys are in rotation. */
  public int size() {
    return active.size();
  }

  public boolean isEmpty() {
    return active.isEmpty();
  }

  /**
   * The text with every key this pool has held, any {@code Bearer …} credential and any {@code
   * sk-…} token replaced by {@code [REDACTED]}; for provider messages that end up in exceptions,
   * logs and topics.
   */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String key : known) {
      out = out.replace(key, REDACTED);
    }
    out = BEARER.matcher(out).replaceAll("Bearer " + REDACTED);
    return SK_KEY.matcher(out).replaceAll(REDACTED);
  }

  /**
   * A form of the key safe to log: its {@code sk-} style prefix, if any, and its last four
   * characters.
   */
  public static String fingerprint(String key) {
    if (key == null || key.length() < 12) {
      return "…";
    }
    String prefix = key.startsWith("sk-") ? "sk-" : "";
    return prefix + "…" + key.substring(key.length() - 4);
  }

  @Override
  public String toString() {
    return "ApiKeyPool[" + provider + ", " + size() + " key(s)]";
  }
}
