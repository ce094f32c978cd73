package io.promptyard.worker;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.topics.ReplyTopics;
import io.promptyard.worker.health.BreakerSettings;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    ReplyTopics replies) {

  /** A configuration whose reply topics are the {@linkplain ReplyTopics#defaults default} ones. */
  public WorkerConfig(
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
      int maxInFlight) {
    this(
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
        maxInFlight,
        ReplyTopics.defaults(common.topics()));
  }

  /** A configuration with one interactive-lane consumer per provider. */
  public WorkerConfig(
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
      Operations operations) {
    this(
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
        1);
  }

  /**
   * A configuration whose batch lane's in-flight limit is what its consumers take in one poll each.
   */
  public WorkerConfig(
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
      int interactiveConsumers) {
    this(
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
        consumersPerProvider * maxPollRecords);
  }

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
   * A share-group configuration with the default {@link Operations} (used by {@code promptyard
   * dev}).
   */
  public WorkerConfig(
      CommonConfig common,
      ModelCatalog catalog,
      List<String> providers,
      String groupId,
      int consumersPerProvider,
      int maxPollRecords,
      Optional<URI> redis,
      JobPolicy policy,
      Map<String, String> environment) {
    this(
        common,
        catalog,
        providers,
        groupId,
        consumersPerProvider,
        maxPollRecords,
        redis,
        policy,
        environment,
        Operations.defaults());
  }

  /** A share-group configuration with the given {@link Operations}. */
  public WorkerConfig(
      CommonConfig common,
      ModelCatalog catalog,
      List<String> providers,
      String groupId,
      int consumersPerProvider,
      int maxPollRecords,
      Optional<URI> redis,
      JobPolicy policy,
      Map<String, String> environment,
      Operations operations) {
    this(
        common,
        catalog,
        providers,
        groupId,
        consumersPerProvider,
        maxPollRecords,
        redis,
        policy,
        environment,
        Consumption.SHARE,
        500,
        operations);
  }

  /** A configuration with the given consumption mode and the default {@link Operations}. */
  public WorkerConfig(
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
      int partitionWindow) {
    this(
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
        Operations.defaults());
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
   */
  public record Operations(
      BreakerSettings breakers,
      Duration healthInterval,
      Duration healthWindow,
      int httpPort,
      Duration shutdownGrace) {

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

  public static final ConfigKey CATALOG =
      new ConfigKey(
          "PROMPTYARD_CATALOG",
          null,
          "path of the model catalog YAML file; the bundled catalog when unset");
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
  public static final ConfigKey SHUTDOWN_SECONDS =
      new ConfigKey(
          "PROMPTYARD_WORKER_SHUTDOWN_SECONDS",
          "30",
          "on shutdown, how long in-flight jobs may finish before they are released to other workers");

  /** The worker's own keys; {@link CommonConfig#KEYS} apply too. */
  public static final List<ConfigKey> KEYS =
      List.of(
          CATALOG,
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
          SHUTDOWN_SECONDS,
          ReplyTopics.PREFIX);

  public static WorkerConfig from(Settings s, Map<String, String> environment) {
    ModelCatalog catalog =
        s.get(CATALOG).map(p -> ModelCatalog.load(Path.of(p))).orElseGet(ModelCatalog::bundled);
    List<String> providers =
        s.get(PROVIDERS)
            .map(
                v ->
                    Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(n -> !n.isEmpty())
                        .toList())
            .orElseGet(() -> catalog.providers().stream().map(ProviderSpec::name).toList());
    for (String p : providers) {
      if (catalog.provider(p).isEmpty()) {
        throw new ConfigException(
            PROVIDERS.name() + " names '" + p + "', which the catalog does not define");
      }
    }
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
    int consumers = s.intValue(CONSUMERS, 1);
    int maxPoll = s.intValue(MAX_POLL_RECORDS, 1);
    int maxInFlight =
        s.get(MAX_IN_FLIGHT).isPresent() ? s.intValue(MAX_IN_FLIGHT, 1) : consumers * maxPoll;
    CommonConfig common = CommonConfig.from(s);
    return new WorkerConfig(
        common,
        catalog,
        providers,
        s.require(GROUP_ID),
        consumers,
        maxPoll,
        redis,
        policy,
        environment,
        consumption(s),
        s.intValue(PARTITION_WINDOW, 1),
        operations(s),
        s.intValue(INTERACTIVE_CONSUMERS, 1),
        maxInFlight,
        ReplyTopics.from(s, common.topics()));
  }

  private static Operations operations(Settings s) {
    int failureRate = s.intValue(BREAKER_FAILURE_RATE, 1);
    if (failureRate > 100) {
      throw new ConfigException(
          BREAKER_FAILURE_RATE.name()
              + "="
              + failureRate
              + " must be at most 100: "
              + BREAKER_FAILURE_RATE.doc());
    }
    int port = s.intValue(HTTP_PORT, -1);
    if (port > 65_535) {
      throw new ConfigException(
          HTTP_PORT.name() + "=" + port + " must be at most 65535: " + HTTP_PORT.doc());
    }
    BreakerSettings breakers =
        new BreakerSettings(
            failureRate,
            s.intValue(BREAKER_MIN_CALLS, 1),
            Duration.ofSeconds(s.intValue(BREAKER_WINDOW_SECONDS, 1)),
            Duration.ofSeconds(s.intValue(BREAKER_OPEN_SECONDS, 1)),
            s.intValue(BREAKER_HALF_OPEN_CALLS, 1),
            s.boolValue(BREAKER_PER_MODEL));
    return new Operations(
        breakers,
        Duration.ofSeconds(s.intValue(HEALTH_INTERVAL_SECONDS, 1)),
        Duration.ofSeconds(s.intValue(HEALTH_WINDOW_SECONDS, 1)),
        port,
        Duration.ofSeconds(s.intValue(SHUTDOWN_SECONDS, 0)));
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
