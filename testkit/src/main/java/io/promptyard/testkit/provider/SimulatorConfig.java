package io.promptyard.testkit.provider;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How a {@link SimulatedProvider} listens and behaves: port, latency, injected failures, rate
 * limits, API key and the model ids it lists.
 *
 * @param port the TCP port on 127.0.0.1; 0 picks a free one
 * @param latency the delay before each answer (and before the first byte of a stream)
 * @param errorRate the share of admitted completion requests that fail with a 500 or 503, from 0.0
 *     to 1.0
 * @param requestsPerMinute the request rate limit; 0 means unlimited
 * @param tokensPerMinute the token rate limit (prompt estimate plus max_tokens); 0 means unlimited
 * @param seed seeds the injected failures, the latency draws and the generated ids
 * @param apiKey when present, requests must carry {@code Authorization: Bearer <apiKey>}
 * @param modelIds the ids {@code GET /v1/models} lists; every model name is answered regardless
 * @param faults 400s and hangs injected on top of the error rate
 * @param moderationMarker {@code POST /v1/moderations} flags an input that contains it (category
 *     {@code violence}), and no other
 */
public record SimulatorConfig(
    int port,
    LatencyDistribution latency,
    double errorRate,
    long requestsPerMinute,
    long tokensPerMinute,
    long seed,
    Optional<String> apiKey,
    List<String> modelIds,
    FaultMix faults,
    String moderationMarker) {

  /** What the simulator's moderation endpoint flags unless told otherwise. */
  public static final String DEFAULT_MODERATION_MARKER = "[simulated-unsafe]";

  public SimulatorConfig {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "port must be between 0 and 65535 (0 = ephemeral), got " + port);
    }
    Objects.requireNonNull(latency, "latency must not be null; use LatencyDistribution.none()");
    if (!(errorRate >= 0.0 && errorRate <= 1.0)) {
      throw new IllegalArgumentException("errorRate must be between 0.0 and 1.0, got " + errorRate);
    }
    if (requestsPerMinute < 0) {
      throw new IllegalArgumentException(
          "requestsPerMinute must be >= 0 (0 = unlimited), got " + requestsPerMinute);
    }
    if (tokensPerMinute < 0) {
      throw new IllegalArgumentException(
          "tokensPerMinute must be >= 0 (0 = unlimited), got " + tokensPerMinute);
    }
    Objects.requireNonNull(
        apiKey, "apiKey must not be null; use Optional.empty() for no authentication");
    if (apiKey.isPresent() && apiKey.get().isBlank()) {
      throw new IllegalArgumentException(
          "apiKey must not be blank; use Optional.empty() for no authentication");
    }
    Objects.requireNonNull(modelIds, "modelIds must not be null");
    if (modelIds.stream().anyMatch(id -> id == null || id.isBlank())) {
      throw new IllegalArgumentException(
          "modelIds must not contain null or blank ids, got " + modelIds);
    }
    modelIds = List.copyOf(modelIds);
    Objects.requireNonNull(faults, "faults must not be null; use FaultMix.NONE");
    if (errorRate + faults.badRequestRate() + faults.hangRate() > 1.0) {
      throw new IllegalArgumentException(
          "errorRate + badRequestRate + hangRate must not exceed 1.0");
    }
    if (moderationMarker == null || moderationMarker.isEmpty()) {
      throw new IllegalArgumentException("moderationMarker must not be empty");
    }
  }

  /**
   * An ephemeral port, no latency, no failures, no limits, no API key, no listed models, seed 42,
   * moderation flagging {@link #DEFAULT_MODERATION_MARKER}.
   */
  public static SimulatorConfig defaults() {
    return new SimulatorConfig(
        0,
        LatencyDistribution.none(),
        0.0,
        0,
        0,
        42L,
        Optional.empty(),
        List.of(),
        FaultMix.NONE,
        DEFAULT_MODERATION_MARKER);
  }

  /** The {@link #defaults()}, answering every request after {@code millis} ms. */
  public static SimulatorConfig answeringAfter(long millis) {
    return defaults().withLatency(LatencyDistribution.fixed(millis));
  }

  public SimulatorConfig withPort(int port) {
    return with(c -> c.port = port);
  }

  public SimulatorConfig withLatency(LatencyDistribution latency) {
    return with(c -> c.latency = latency);
  }

  public SimulatorConfig withErrorRate(double errorRate) {
    return with(c -> c.errorRate = errorRate);
  }

  public SimulatorConfig withRequestsPerMinute(long requestsPerMinute) {
    return with(c -> c.requestsPerMinute = requestsPerMinute);
  }

  public SimulatorConfig withTokensPerMinute(long tokensPerMinute) {
    return with(c -> c.tokensPerMinute = tokensPerMinute);
  }

  public SimulatorConfig withSeed(long seed) {
    return with(c -> c.seed = seed);
  }

  /** Requires this key as a bearer token; {@code null} turns authentication off. */
  public SimulatorConfig withApiKey(String apiKey) {
    return with(c -> c.apiKey = Optional.ofNullable(apiKey));
  }

  public SimulatorConfig withModelIds(String... modelIds) {
    return with(c -> c.modelIds = Arrays.asList(modelIds));
  }

  /** Also answers some requests with 400s and lets some hang; see {@link FaultMix}. */
  public SimulatorConfig withFaults(FaultMix faults) {
    return with(c -> c.faults = faults);
  }

  /** Makes {@code POST /v1/moderations} flag the inputs that contain {@code marker}. */
  public SimulatorConfig withModerationMarker(String marker) {
    return with(c -> c.moderationMarker = marker);
  }

  /** A copy of this configuration with {@code change} applied, validated as any other. */
  private SimulatorConfig with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** The components of a configuration, open to change for one {@code with...} call. */
  private static final class Copy {
    int port;
    LatencyDistribution latency;
    double errorRate;
    long requestsPerMinute;
    long tokensPerMinute;
    long seed;
    Optional<String> apiKey;
    List<String> modelIds;
    FaultMix faults;
    String moderationMarker;

    Copy(SimulatorConfig c) {
      port = c.port;
      latency = c.latency;
      errorRate = c.errorRate;
      requestsPerMinute = c.requestsPerMinute;
      tokensPerMinute = c.tokensPerMinute;
      seed = c.seed;
      apiKey = c.apiKey;
      modelIds = c.modelIds;
      faults = c.faults;
      moderationMarker = c.moderationMarker;
    }

    SimulatorConfig build() {
      return new SimulatorConfig(
          port,
          latency,
          errorRate,
          requestsPerMinute,
          tokensPerMinute,
          seed,
          apiKey,
          modelIds,
          faults,
          moderationMarker);
    }
  }

  boolean rateLimited() {
    return requestsPerMinute > 0 || tokensPerMinute > 0;
  }

  @Override
  public String toString() {
    // The record's default toString would print the key.
    return "SimulatorConfig[port="
        + port
        + ", latency="
        + latency
        + ", errorRate="
        + errorRate
        + ", requestsPerMinute="
        + requestsPerMinute
        + ", tokensPerMinute="
        + tokensPerMinute
        + ", seed="
        + seed
        + ", apiKey="
        + apiKey.map(k -> "<redacted>").orElse("<none>")
        + ", modelIds="
        + modelIds
        + ", faults="
        + faults
        + ", moderationMarker="
        + moderationMarker
        + "]";
  }
}
