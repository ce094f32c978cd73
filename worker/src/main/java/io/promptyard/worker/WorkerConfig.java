package io.promptyard.worker;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.guardrails.RestoreKey;
import io.promptyard.schemas.config.BindAddress;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.GuardRestoreKey;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.schemas.topics.ReplyTopics;
import io.promptyard.worker.cache.ShadowSettings;
import io.promptyard.worker.health.BreakerSettings;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.ModerationSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The worker's configuration, parsed once at start-up.
 *
 * @param common Kafka and topic settings
 * @param catalog the models and providers this worker knows
 * @param providers the providers whose topics this worker consumes
 * @param groupId the share group shared by all worker instances
 * @param consumersPerProvider share consumers (threads) per provider topic
 * @param maxPollRecords records one consumer takes per poll; with the consumers, bounds the calls
 *     in flight
 * @param redis Redis for cache and idempotency; empty means in-memory stand-ins
 * @param policy retry, cache and idempotency policy
 * @param environment where API keys are read from
 * @param consumption share group or consumer group
 * @param partitionWindow in group mode, jobs of one partition taken and not yet committed, at most
 * @param operations circuit breakers, health publishing, the metrics/health HTTP port and shutdown
 * @param interactiveConsumers consumers per provider of the interactive lane ({@code
 *     route.<provider>.interactive}), besides the {@code consumersPerProvider} of the batch lane:
 *     each lane has its own polls and in-flight places
 * @param maxInFlight in share mode, jobs of one provider topic running at once, shared by its
 *     consumers; at least {@code maxPollRecords}
 * @param replies the reply topics a result may be copied to; the worker sends no copy to another
 * @param semanticCache whether requests may ask for the semantic cache ({@code metadata.cache.mode:
 *     "semantic"}); off, they are served by the exact cache alone
 * @param moderation the moderation endpoint output moderation asks, if any
 * @param fairShare whether teams waiting for one provider share its rate limit by weight (see
 *     docs/WORKER.md); off, turns go in the order jobs ask for them
 * @param restoreKey the key that opens a redacted request's sealed placeholder mapping (the guard's
 *     restore mode, {@code PROMPTYARD_GUARD_RESTORE_KEY}); empty: answers keep their placeholders
 * @param shadow which semantic cache hits are also sent to the provider, to compare the answers
 */
public record WorkerConfig(
    CommonConfig common,
    ModelCatalog catalog,
    List<String> providers,
    String groupId,
    int consumersPerProvider,
    int maxPollRecords,
    Optional<URI> redis,
    JobPolicy policy,
    Map<String, String> environment,
    Consumption consumption,
    int partitionWindow,
    Operations operations,
    int interactiveConsumers,
    int maxInFlight,
    ReplyTopics replies,
    boolean semanticCache,
    ModerationSettings moderation,
    boolean fairShare,
    Optional<RestoreKey> restoreKey,
    ShadowSettings shadow) {

  public WorkerConfig {
    if (maxInFlight < maxPollRecords) {
      throw new ConfigException(
          MAX_IN_FLIGHT.name()
              + "="
              + maxInFlight
              + " must be at least "
              + MAX_POLL_RECORDS.name()
              + " ("
              + maxPollRecords
              + "): a consumer polls only when a whole poll fits");
    }
  }

  /**
   * A builder of a configuration with the given common settings, catalog, providers, group and
   * policy. The other settings start at the defaults of their keys, with no Redis, an empty
   * environment and {@link Operations#defaults()}.
   */
  public static Builder builder(
      CommonConfig common,
      ModelCatalog catalog,
      List<String> providers,
      String groupId,
      JobPolicy policy) {
    return new Builder(common, catalog, providers, groupId, policy);
  }

  /** A builder holding this configuration's settings, to change some of them. */
  public Builder toBuilder() {
    return new Builder(common, catalog, providers, groupId, policy)
        .consumers(consumersPerProvider, maxPollRecords)
        .redis(redis)
        .environment(environment)
        .consumption(consumption, partitionWindow)
        .operations(operations)
        .interactiveConsumers(interactiveConsumers)
        .maxInFlight(maxInFlight)
        .replies(replies)
        .semanticCache(semanticCache)
        .moderation(moderation)
        .fairShare(fairShare)
        .shadow(shadow);
  }

  /** Builds a {@link WorkerConfig}; see {@link #builder}. */
  public static final class Builder {
    private final CommonConfig common;
    private final ModelCatalog catalog;
    private final List<String> providers;
    private final String groupId;
    private final JobPolicy policy;
    private int consumersPerProvider = Integer.parseInt(CONSUMERS.defaultValue());
    private int maxPollRecords = Integer.parseInt(MAX_POLL_RECORDS.defaultValue());
    private Optional<URI> redis = Optional.empty();
    private Map<String, String> environment = Map.of();
    private Consumption consumption = Consumption.SHARE;
    private int partitionWindow = Integer.parseInt(PARTITION_WINDOW.defaultValue());
    private Operations operations = Operations.defaults();
    private int interactiveConsumers = Integer.parseInt(INTERACTIVE_CONSUMERS.defaultValue());
    private OptionalInt maxInFlight = OptionalInt.empty();
    private Optional<ReplyTopics> replies = Optional.empty();
    private boolean semanticCache = Boolean.parseBoolean(SEMANTIC_CACHE.defaultValue());
    private boolean fairShare = Boolean.parseBoolean(FAIR_SHARE.defaultValue());
    private ModerationSettings moderation = ModerationSettings.NONE;
    private Optional<RestoreKey> restoreKey = Optional.empty();
    private ShadowSettings shadow = ShadowSettings.DEFAULT;

    private Builder(
        CommonConfig common,
        ModelCatalog catalog,
        List<String> providers,
        String groupId,
        JobPolicy policy) {
      this.common = Objects.requireNonNull(common, "common");
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      this.providers = Objects.requireNonNull(providers, "providers");
      this.groupId = Objects.requireNonNull(groupId, "groupId");
      this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Consumers of the batch lane per provider topic, and the records each takes per poll. */
    public Builder consumers(int perProvider, int maxPollRecords) {
      this.consumersPerProvider = perProvider;
      this.maxPollRecords = maxPollRecords;
      return this;
    }

    /** Redis for cache and idempotency; empty (the default) means in-memory stand-ins. */
    public Builder redis(Optional<URI> redis) {
      this.redis = redis;
      return this;
    }

    /** Where API keys are read from; none by default. */
    public Builder environment(Map<String, String> environment) {
      this.environment = environment;
      return this;
    }

    /** How provider topics are read, and in group mode the window of each partition. */
    public Builder consumption(Consumption consumption, int partitionWindow) {
      this.consumption = consumption;
      this.partitionWindow = partitionWindow;
      return this;
    }

    public Builder operations(Operations operations) {
      this.operations = operations;
      return this;
    }

    public Builder interactiveConsumers(int interactiveConsumers) {
      this.interactiveConsumers = interactiveConsumers;
      return this;
    }

    /**
     * Jobs of one provider topic running at once in share mode; when not set, what the batch lane's
     * consumers take in one poll each.
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = OptionalInt.of(maxInFlight);
      return this;
    }

    /** The reply topics a result may be copied to; by default those under the topic prefix's. */
    public Builder replies(ReplyTopics replies) {
      this.replies = Optional.of(replies);
      return this;
    }

    /** Whether requests may ask for the semantic cache. */
    public Builder semanticCache(boolean on) {
      this.semanticCache = on;
      return this;
    }

    /** Whether teams share each provider's rate limit by weight. */
    public Builder fairShare(boolean on) {
      this.fairShare = on;
      return this;
    }

    /** The moderation endpoint output moderation asks; none by default. */
    public Builder moderation(ModerationSettings moderation) {
      this.moderation = Objects.requireNonNull(moderation, "moderation");
      return this;
    }

    /** The key that opens sealed placeholder mappings; none by default. */
    public Builder restoreKey(Optional<RestoreKey> restoreKey) {
      this.restoreKey = Objects.requireNonNull(restoreKey, "restoreKey");
      return this;
    }

    /** Which semantic hits are shadowed; {@link ShadowSettings#DEFAULT} by default. */
    public Builder shadow(ShadowSettings shadow) {
      this.shadow = Objects.requireNonNull(shadow, "shadow");
      return this;
    }

    public WorkerConfig build() {
      return new WorkerConfig(
          common,
          catalog,
          providers,
          groupId,
          consumersPerProvider,
          maxPollRecords,
          redis,
          policy,
          environment,
          consumption,
          partitionWindow,
          operations,
          interactiveConsumers,
          maxInFlight.orElse(consumersPerProvider * maxPollRecords),
          replies.orElseGet(() -> ReplyTopics.defaults(common.topics())),
          semanticCache,
          moderation,
          fairShare,
          restoreKey,
          shadow);
    }
  }

  /** How the worker reads its provider topics. */
  public enum Consumption {
    /** A share group with per-record acknowledgement (Kafka 4.2+). */
    SHARE,
    /** A consumer group with a bounded window per partition, for older clusters. */
    GROUP
  }

  /**
   * How the worker watches providers and itself.
   *
   * @param breakers when circuits open and close
   * @param healthInterval how often provider health is published (also on every circuit transition)
   * @param healthWindow how far back published error rates and latency percentiles reach
   * @param httpPort port of {@code /metrics} and {@code /health}; 0 picks a free one, -1 serves
   *     none
   * @param shutdownGrace how long in-flight jobs may finish on shutdown before they are released
   * @param httpBind the address {@code /metrics} and {@code /health} listen on; {@code 0.0.0.0} for
   *     every interface
   * @param maxTeamLabels distinct teams the metrics label spend by; later teams are labelled
   *     {@value WorkerMetrics#OTHER_TEAM}
   * @param httpTokens the bearer token {@code /metrics} requires; {@link HttpTokens#NONE} for none
   */
  public record Operations(
      BreakerSettings breakers,
      Duration healthInterval,
      Duration healthWindow,
      int httpPort,
      Duration shutdownGrace,
      String httpBind,
      int maxTeamLabels,
      HttpTokens httpTokens) {

    public Operations {
      Objects.requireNonNull(httpBind, "httpBind");
      Objects.requireNonNull(httpTokens, "httpTokens");
      if (maxTeamLabels < 0) {
        throw new ConfigException(
            METRICS_MAX_TEAMS.name() + "=" + maxTeamLabels + " must not be negative");
      }
    }

    /**
     * Operations with the given settings, serving on every interface without a token and labelling
     * the default number of teams.
     */
    public Operations(
        BreakerSettings breakers,
        Duration healthInterval,
        Duration healthWindow,
        int httpPort,
        Duration shutdownGrace) {
      this(
          breakers,
          healthInterval,
          healthWindow,
          httpPort,
          shutdownGrace,
          HTTP_BIND.defaultValue(),
          Integer.parseInt(METRICS_MAX_TEAMS.defaultValue()),
          HttpTokens.NONE);
    }

    /**
     * The defaults of the keys below, except the HTTP port: none, so that embedded workers bind
     * nothing.
     */
    public static Operations defaults() {
      return new Operations(
          BreakerSettings.defaults(),
          Duration.ofSeconds(5),
          Duration.ofSeconds(60),
          -1,
          Duration.ofSeconds(30));
    }
  }

  public static final ConfigKey PROVIDERS =
      new ConfigKey(
          "PROMPTYARD_WORKER_PROVIDERS",
          null,
          "comma-separated providers whose topics this worker serves; all when unset");
  public static final ConfigKey GROUP_ID =
      new ConfigKey(
          "PROMPTYARD_WORKER_GROUP", "promptyard-worker", "share group id of the workers");
  public static final ConfigKey CONSUMERS =
      new ConfigKey("PROMPTYARD_WORKER_CONSUMERS", "4", "share consumers per provider topic");
  public static final ConfigKey INTERACTIVE_CONSUMERS =
      new ConfigKey(
          "PROMPTYARD_WORKER_INTERACTIVE_CONSUMERS",
          "1",
          "consumers per provider of the interactive lane (route.<provider>.interactive), besides the batch lane's");
  public static final ConfigKey MAX_POLL_RECORDS =
      new ConfigKey(
          "PROMPTYARD_WORKER_MAX_POLL_RECORDS",
          "250",
          "jobs one consumer takes per poll (run concurrently)");
  public static final ConfigKey MAX_IN_FLIGHT =
      new ConfigKey(
          "PROMPTYARD_WORKER_MAX_IN_FLIGHT",
          null,
          "share mode: jobs of one provider topic running at once, shared by its consumers; consumers × max poll records when unset");
  public static final ConfigKey CONSUMPTION =
      new ConfigKey(
          "PROMPTYARD_WORKER_CONSUMPTION",
          "share",
          "share (share group, Kafka 4.2+) or group (consumer group, older clusters)");
  public static final ConfigKey PARTITION_WINDOW =
      new ConfigKey(
          "PROMPTYARD_WORKER_PARTITION_WINDOW",
          "500",
          "group mode: jobs of one partition in flight or awaiting commit, at most");
  public static final ConfigKey REDIS_URL =
      new ConfigKey(
          "PROMPTYARD_REDIS_URL",
          null,
          "redis://host:port for cache and idempotency; in-memory when unset");
  public static final ConfigKey MAX_ATTEMPTS =
      new ConfigKey(
          "PROMPTYARD_WORKER_MAX_ATTEMPTS",
          "3",
          "calls to one model on retryable errors before falling back");
  public static final ConfigKey CACHE_TTL_SECONDS =
      new ConfigKey("PROMPTYARD_CACHE_TTL_SECONDS", "86400", "cache TTL when a request sets none");
  public static final ConfigKey RESULT_TTL_SECONDS =
      new ConfigKey(
          "PROMPTYARD_RESULT_TTL_SECONDS",
          "604800",
          "how long finished request ids are remembered");

  public static final ConfigKey BREAKER_FAILURE_RATE =
      new ConfigKey(
          "PROMPTYARD_WORKER_BREAKER_FAILURE_RATE",
          "50",
          "percent of provider-side failures (5xx, timeouts, connection errors; not 429s or 4xx) that opens a circuit");
  public static final ConfigKey BREAKER_MIN_CALLS =
      new ConfigKey(
          "PROMPTYARD_WORKER_BREAKER_MIN_CALLS",
          "20",
          "calls in the window before a circuit judges the failure rate");
  public static final ConfigKey BREAKER_WINDOW_SECONDS =
      new ConfigKey(
          "PROMPTYARD_WORKER_BREAKER_WINDOW_SECONDS", "30", "how far back a circuit counts calls");
  public static final ConfigKey BREAKER_OPEN_SECONDS =
      new ConfigKey(
          "PROMPTYARD_WORKER_BREAKER_OPEN_SECONDS",
          "30",
          "how long an open circuit refuses calls before trial calls");
  public static final ConfigKey BREAKER_HALF_OPEN_CALLS =
      new ConfigKey(
          "PROMPTYARD_WORKER_BREAKER_HALF_OPEN_CALLS",
          "5",
          "trial calls that decide whether a half-open circuit closes");
  public static final ConfigKey BREAKER_PER_MODEL =
      new ConfigKey(
          "PROMPTYARD_WORKER_BREAKER_PER_MODEL",
          "true",
          "also keep a circuit per provider/model, besides the one per provider");
  public static final ConfigKey HEALTH_INTERVAL_SECONDS =
      new ConfigKey(
          "PROMPTYARD_WORKER_HEALTH_INTERVAL_SECONDS",
          "5",
          "how often provider health is published (also on every circuit transition)");
  public static final ConfigKey HEALTH_WINDOW_SECONDS =
      new ConfigKey(
          "PROMPTYARD_WORKER_HEALTH_WINDOW_SECONDS",
          "60",
          "how far back published error rates and latency percentiles reach");
  public static final ConfigKey HTTP_PORT =
      new ConfigKey(
          "PROMPTYARD_WORKER_HTTP_PORT",
          "8081",
          "port of GET /metrics and GET /health; 0 picks a free port, -1 serves none");
  public static final ConfigKey HTTP_BIND =
      new ConfigKey(
          "PROMPTYARD_WORKER_HTTP_BIND",
          "0.0.0.0",
          "address GET /metrics and GET /health listen on; 0.0.0.0 is every interface, 127.0.0.1 this host only");
  public static final ConfigKey HTTP_TOKEN =
      new ConfigKey(
          "PROMPTYARD_WORKER_HTTP_TOKEN",
          null,
          "bearer token GET /metrics requires (at least 16 characters); unset: none, /metrics is open. GET /health stays open");
  public static final ConfigKey HTTP_TOKEN_FILE =
      new ConfigKey(
          "PROMPTYARD_WORKER_HTTP_TOKEN_FILE",
          null,
          "file holding the bearer token GET /metrics requires, instead of PROMPTYARD_WORKER_HTTP_TOKEN");
  public static final ConfigKey METRICS_MAX_TEAMS =
      new ConfigKey(
          "PROMPTYARD_WORKER_METRICS_MAX_TEAMS",
          String.valueOf(WorkerMetrics.DEFAULT_MAX_TEAMS),
          "distinct teams /metrics labels spend by, first come first served; later teams are labelled other");
  public static final ConfigKey SHUTDOWN_SECONDS =
      new ConfigKey(
          "PROMPTYARD_WORKER_SHUTDOWN_SECONDS",
          "30",
          "on shutdown, how long in-flight jobs may finish before they are released to other workers");

  public static final ConfigKey SEMANTIC_CACHE =
      new ConfigKey(
          "PROMPTYARD_WORKER_SEMANTIC_CACHE",
          "true",
          "whether requests may ask for the semantic cache (metadata.cache.mode semantic); false serves them from the exact cache alone, and the worker neither loads the embedding model nor reads the semantic-cache topic");

  public static final ConfigKey FAIR_SHARE =
      new ConfigKey(
          "PROMPTYARD_WORKER_FAIR_SHARE",
          "true",
          "whether teams waiting for one provider share its rate limit by weight (promptyard quota set --weight), across workers; false gives turns in the order jobs ask for them");
  public static final ConfigKey SHADOW_PERCENT =
      new ConfigKey(
          "PROMPTYARD_WORKER_SHADOW_PERCENT",
          "3",
          "the share of semantic cache hits, in percent (decimals allowed), also sent to the provider"
              + " to compare the answers (shadow verification), chosen by request id");
  public static final ConfigKey TEAM_SHADOW_PERCENT =
      new ConfigKey(
          "PROMPTYARD_WORKER_TEAM_SHADOW_PERCENT",
          null,
          "per-team shares of semantic cache hits shadowed, in percent, over"
              + " PROMPTYARD_WORKER_SHADOW_PERCENT, e.g. `search=10,support=0`");

  /** The worker's own keys; {@link CommonConfig#KEYS} apply too. */
  public static final List<ConfigKey> KEYS =
      java.util.stream.Stream.of(
              List.of(
                  ModelCatalog.FILE,
                  PROVIDERS,
                  GROUP_ID,
                  CONSUMERS,
                  INTERACTIVE_CONSUMERS,
                  MAX_POLL_RECORDS,
                  MAX_IN_FLIGHT,
                  CONSUMPTION,
                  PARTITION_WINDOW,
                  REDIS_URL,
                  MAX_ATTEMPTS,
                  CACHE_TTL_SECONDS,
                  RESULT_TTL_SECONDS,
                  BREAKER_FAILURE_RATE,
                  BREAKER_MIN_CALLS,
                  BREAKER_WINDOW_SECONDS,
                  BREAKER_OPEN_SECONDS,
                  BREAKER_HALF_OPEN_CALLS,
                  BREAKER_PER_MODEL,
                  HEALTH_INTERVAL_SECONDS,
                  HEALTH_WINDOW_SECONDS,
                  HTTP_PORT,
                  HTTP_BIND,
                  HTTP_TOKEN,
                  HTTP_TOKEN_FILE,
                  METRICS_MAX_TEAMS,
                  SHUTDOWN_SECONDS,
                  SEMANTIC_CACHE,
                  FAIR_SHARE,
                  SHADOW_PERCENT,
                  TEAM_SHADOW_PERCENT,
                  ReplyTopics.PREFIX),
              ModerationSettings.KEYS,
              GuardRestoreKey.KEYS)
          .flatMap(List::stream)
          .toList();

  public static WorkerConfig from(Settings s, Map<String, String> environment) {
    ModelCatalog catalog = ModelCatalog.from(s);
    List<String> providers = servedProviders(s, catalog);
    Optional<URI> redis =
        s.get(REDIS_URL)
            .map(
                v -> {
                  URI uri = URI.create(v);
                  if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                    throw new ConfigException(
                        REDIS_URL.name() + "=" + v + " must look like redis://host:6379");
                  }
                  return uri;
                });
    JobPolicy policy =
        new JobPolicy(
            s.intValue(MAX_ATTEMPTS, 1),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10)),
            Duration.ofSeconds(s.intValue(CACHE_TTL_SECONDS, 1)),
            Duration.ofSeconds(s.intValue(RESULT_TTL_SECONDS, 1)));
    CommonConfig common = CommonConfig.from(s);
    Builder config =
        builder(common, catalog, providers, s.require(GROUP_ID), policy)
            .consumers(s.intValue(CONSUMERS, 1), s.intValue(MAX_POLL_RECORDS, 1))
            .redis(redis)
            .environment(environment)
            .consumption(consumption(s), s.intValue(PARTITION_WINDOW, 1))
            .operations(operations(s))
            .interactiveConsumers(s.intValue(INTERACTIVE_CONSUMERS, 1))
            .replies(ReplyTopics.from(s, common.topics()))
            .semanticCache(s.boolValue(SEMANTIC_CACHE))
            .fairShare(s.boolValue(FAIR_SHARE))
            .moderation(ModerationSettings.from(s))
            .restoreKey(GuardRestoreKey.from(s).map(RestoreKey::of))
            .shadow(
                new ShadowSettings(
                    s.percentValue(SHADOW_PERCENT),
                    s.pairs(TEAM_SHADOW_PERCENT, v -> Settings.percent(TEAM_SHADOW_PERCENT, v))));
    s.optionalInt(MAX_IN_FLIGHT, 1, Integer.MAX_VALUE).ifPresent(config::maxInFlight);
    return config.build();
  }

  /**
   * The providers a worker with settings {@code s} serves: those {@link #PROVIDERS} names, else
   * every provider of {@code catalog}.
   *
   * @throws ConfigException when {@link #PROVIDERS} names a provider the catalog does not define
   */
  public static List<String> servedProviders(Settings s, ModelCatalog catalog) {
    return catalog
        .providersNamed(s, PROVIDERS)
        .orElseGet(() -> catalog.providers().stream().map(ProviderSpec::name).toList());
  }

  private static Operations operations(Settings s) {
    BreakerSettings breakers =
        new BreakerSettings(
            s.intValue(BREAKER_FAILURE_RATE, 1, 100),
            s.intValue(BREAKER_MIN_CALLS, 1),
            Duration.ofSeconds(s.intValue(BREAKER_WINDOW_SECONDS, 1)),
            Duration.ofSeconds(s.intValue(BREAKER_OPEN_SECONDS, 1)),
            s.intValue(BREAKER_HALF_OPEN_CALLS, 1),
            s.boolValue(BREAKER_PER_MODEL));
    return new Operations(
        breakers,
        Duration.ofSeconds(s.intValue(HEALTH_INTERVAL_SECONDS, 1)),
        Duration.ofSeconds(s.intValue(HEALTH_WINDOW_SECONDS, 1)),
        s.intValue(HTTP_PORT, -1, 65_535),
        Duration.ofSeconds(s.intValue(SHUTDOWN_SECONDS, 0)),
        BindAddress.parse(HTTP_BIND, s),
        s.intValue(METRICS_MAX_TEAMS, 0),
        HttpTokens.from(s, HTTP_TOKEN, HTTP_TOKEN_FILE));
  }

  private static Consumption consumption(Settings s) {
    String v = s.require(CONSUMPTION).trim();
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "share" -> Consumption.SHARE;
      case "group" -> Consumption.GROUP;
      default ->
          throw new ConfigException(CONSUMPTION.name() + "=" + v + " must be share or group");
    };
  }
}
