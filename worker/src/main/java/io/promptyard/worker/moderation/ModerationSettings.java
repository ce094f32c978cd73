package io.promptyard.worker.moderation;

import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ModerationProvider;
import io.promptyard.providers.openai.OpenAiModeration;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the worker's output moderation asks about moderation categories, besides its own PII and
 * secret detectors: an OpenAI-style moderation endpoint, or none. Which answers are moderated, and
 * how, is each request's team's guard policy, settled by the router; this is only the endpoint.
 *
 * @param url the API base whose {@code POST {url}/moderations} is called; empty: no endpoint
 * @param model the moderation model sent with each call
 * @param keyEnv the environment variable holding the endpoint's key
 * @param withholdOnError whether an answer the endpoint could not check is withheld (true) or goes
 *     on checked by the local detectors only (false)
 */
public record ModerationSettings(
    Optional<URI> url, String model, String keyEnv, boolean withholdOnError) {

  public static final ConfigKey URL =
      new ConfigKey(
          "PROMPTYARD_WORKER_MODERATION_URL",
          null,
          "base URL of an OpenAI-compatible API whose POST {url}/moderations output moderation asks about each answer a guard policy moderates, e.g. https://api.openai.com/v1; unset: the PII and secret detectors alone");
  public static final ConfigKey MODEL =
      new ConfigKey(
          "PROMPTYARD_WORKER_MODERATION_MODEL",
          "omni-moderation-latest",
          "the model output moderation names in its calls to the moderation endpoint");
  public static final ConfigKey KEY_ENV =
      new ConfigKey(
          "PROMPTYARD_WORKER_MODERATION_KEY_ENV",
          "OPENAI_API_KEY",
          "the environment variable holding the moderation endpoint's API key, sent as Authorization: Bearer; unset variable: no key sent");
  public static final ConfigKey ON_ERROR =
      new ConfigKey(
          "PROMPTYARD_WORKER_MODERATION_ON_ERROR",
          "allow",
          "an answer the moderation endpoint could not check (down, timed out, refused the key): allow (published as the PII and secret detectors judge it; logged) or withhold (FAILED, as if flagged)");

  /** The keys of output moderation, in {@code WorkerConfig.KEYS}. */
  public static final List<ConfigKey> KEYS = List.of(URL, MODEL, KEY_ENV, ON_ERROR);

  /** No endpoint: the PII and secret detectors alone. */
  public static final ModerationSettings NONE =
      new ModerationSettings(Optional.empty(), MODEL.defaultValue(), KEY_ENV.defaultValue(), false);

  /** Deadlines of a moderation call: it holds up the answer it checks. */
  private static final HttpTimeouts TIMEOUTS =
      new HttpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(15));

  /**
   * The settings in {@code s}; a URL that is not http(s) or an unknown on-error fails naming it.
   */
  public static ModerationSettings from(Settings s) {
    Optional<URI> url =
        s.get(URL)
            .map(
                v -> {
                  URI uri;
                  try {
                    uri = URI.create(v);
                  } catch (IllegalArgumentException e) {
                    throw new ConfigException(URL.name() + "=" + v + " is not a URL");
                  }
                  if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    throw new ConfigException(
                        URL.name() + "=" + v + " must be an http or https URL");
                  }
                  return uri;
                });
    String onError = s.require(ON_ERROR).toLowerCase(Locale.ROOT);
    if (!onError.equals("allow") && !onError.equals("withhold")) {
      throw new ConfigException(ON_ERROR.name() + "=" + onError + " must be allow or withhold");
    }
    return new ModerationSettings(
        url, s.require(MODEL), s.require(KEY_ENV), onError.equals("withhold"));
  }

  /** The endpoint's client, with its key from {@code environment}; empty when none is set. */
  public Optional<ModerationProvider> endpoint(Map<String, String> environment) {
    return url.map(
        u -> {
          String key = environment.get(keyEnv);
          ApiKeyPool keys =
              key == null || key.isBlank()
                  ? ApiKeyPool.empty(OpenAiModeration.NAME)
                  : ApiKeyPool.of(OpenAiModeration.NAME, List.of(key));
          return new OpenAiModeration(u.toString(), model, keys, TIMEOUTS);
        });
  }
}
