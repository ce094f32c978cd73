package io.promptyard.router;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.guardrails.RestoreKey;
import io.promptyard.router.budget.ReservationSetting;
import io.promptyard.router.guard.GuardSetting;
import io.promptyard.router.routing.AutoRouting;
import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.schemas.RoutingStrategy;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.GuardRestoreKey;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.ingress.RequestLimits;
import io.promptyard.schemas.topics.ReplyTopics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The router's configuration, parsed once at start-up.
 *
 * @param common Kafka and topic settings
 * @param catalog the models it may route to, restricted to the enabled providers
 * @param applicationId the Kafka Streams application id (consumer group and transactional id
 *     prefix)
 * @param routing default strategies, provider weights and how long health reports are trusted
 * @param commitInterval how often the router commits its transaction (exactly-once): routed
 *     requests become visible to read_committed consumers (the workers) at the next commit, so this
 *     bounds the delay it adds
 * @param streamThreads Kafka Streams threads in this instance
 * @param limits the most one request may carry, and how long its template may take to render
 * @param replies the reply topics a request may name; the router rejects one that names another
 * @param ingress which request topics it reads: the shared ones, each team's, or both
 * @param guard the guard policy requests are inspected under before routing, or none
 * @param reservations whether routed requests reserve their maximum cost against their team's
 *     budget, and how long an unsettled reservation is kept
 */
public record RouterConfig(
    CommonConfig common,
    ModelCatalog catalog,
    String applicationId,
    RoutingDefaults routing,
    Duration commitInterval,
    int streamThreads,
    RequestLimits limits,
    ReplyTopics replies,
    Ingress ingress,
    GuardSetting guard,
    ReservationSetting reservations) {

  public static final ConfigKey PROVIDERS =
      new ConfigKey(
          "PROMPTYARD_PROVIDERS",
          null,
          "comma-separated providers the router may route to; all in the catalog when unset");
  public static final ConfigKey APPLICATION_ID =
      new ConfigKey(
          "PROMPTYARD_ROUTER_APPLICATION_ID",
          "promptyard-router",
          "Kafka Streams application id of the router");
  public static final ConfigKey STRATEGY =
      new ConfigKey(
          "PROMPTYARD_ROUTER_STRATEGY",
          "cheapest",
          "strategy for requests that name none: cheapest, lowest_latency or weighted");
  public static final ConfigKey TEAM_STRATEGIES =
      new ConfigKey(
          "PROMPTYARD_ROUTER_TEAM_STRATEGIES",
          null,
          "per-team default strategies, e.g. search=lowest_latency,batch-jobs=cheapest");
  public static final ConfigKey TEAM_DROP_PARAMS =
      new ConfigKey(
          "PROMPTYARD_ROUTER_TEAM_DROP_PARAMS",
          null,
          "teams whose requests drop what a model's parameter rules refuse, as if each set"
              + " drop_params, e.g. search,batch-jobs");
  public static final ConfigKey AUTO_THRESHOLD =
      new ConfigKey(
          "PROMPTYARD_ROUTER_AUTO_THRESHOLD",
          Double.toString(AutoRouting.DEFAULT_THRESHOLD),
          "complexity score in [0, 1] from which the auto alias picks the smart models over the"
              + " cheap ones");
  public static final ConfigKey TEAM_AUTO_THRESHOLDS =
      new ConfigKey(
          "PROMPTYARD_ROUTER_TEAM_AUTO_THRESHOLDS",
          null,
          "per-team thresholds of the auto alias, e.g. research=0.3,support=0.7");
  public static final ConfigKey PROVIDER_WEIGHTS =
      new ConfigKey(
          "PROMPTYARD_ROUTER_PROVIDER_WEIGHTS",
          null,
          "the weighted strategy's shares, e.g. openai=3,anthropic=1; equal shares when unset");
  public static final ConfigKey HEALTH_MAX_AGE =
      new ConfigKey(
          "PROMPTYARD_ROUTER_HEALTH_MAX_AGE_SECONDS",
          "120",
          "provider-health reports older than this are ignored");

  /** The default commit interval, {@value #DEFAULT_COMMIT_MILLIS} ms. */
  public static final int DEFAULT_COMMIT_MILLIS = 100;

  public static final ConfigKey COMMIT_INTERVAL_MS =
      new ConfigKey(
          "PROMPTYARD_ROUTER_COMMIT_INTERVAL_MS",
          Integer.toString(DEFAULT_COMMIT_MILLIS),
          "how often the router commits (exactly-once); routed requests reach the workers at the next commit");
  public static final ConfigKey STREAM_THREADS =
      new ConfigKey(
          "PROMPTYARD_ROUTER_STREAM_THREADS", "1", "Kafka Streams threads per router instance");

  /**
   * The router's own keys, its {@link RequestLimits#KEYS} and {@link RouterHttp#KEYS} among them;
   * {@link CommonConfig#KEYS} apply too.
   */
  public static final List<ConfigKey> KEYS =
      Stream.concat(
              Stream.of(
                  ModelCatalog.FILE,
                  PROVIDERS,
                  APPLICATION_ID,
                  STRATEGY,
                  TEAM_STRATEGIES,
                  TEAM_DROP_PARAMS,
                  AUTO_THRESHOLD,
                  TEAM_AUTO_THRESHOLDS,
                  PROVIDER_WEIGHTS,
                  HEALTH_MAX_AGE,
                  COMMIT_INTERVAL_MS,
                  STREAM_THREADS,
                  ReplyTopics.PREFIX,
                  Ingress.KEY,
                  GuardSetting.KEY,
                  GuardRestoreKey.KEY,
                  GuardRestoreKey.FILE,
                  ReservationSetting.KEY,
                  ReservationSetting.TTL_MINUTES),
              Stream.concat(RequestLimits.KEYS.stream(), RouterHttp.KEYS.stream()))
          .toList();

  public RouterConfig {
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new ConfigException(
          COMMIT_INTERVAL_MS.name() + " must be positive, not " + commitInterval.toMillis());
    }
    if (streamThreads < 1) {
      throw new ConfigException(
          STREAM_THREADS.name() + " must be at least 1, not " + streamThreads);
    }
  }

  /**
   * A router with the default commit interval, one stream thread and the default request limits,
   * reading the shared request topics, whose reply topics are the {@linkplain ReplyTopics#defaults
   * default} ones, under the {@linkplain GuardSetting#DEFAULT default guard policy}, reserving
   * budgets.
   */
  public RouterConfig(
      CommonConfig common, ModelCatalog catalog, String applicationId, RoutingDefaults routing) {
    this(
        common,
        catalog,
        applicationId,
        routing,
        Duration.ofMillis(DEFAULT_COMMIT_MILLIS),
        1,
        RequestLimits.defaults(),
        ReplyTopics.defaults(common.topics()),
        Ingress.SHARED,
        GuardSetting.DEFAULT,
        ReservationSetting.DEFAULT);
  }

  /** The same router committing every {@code interval}. */
  public RouterConfig withCommitInterval(Duration interval) {
    return with(interval, streamThreads, limits, ingress, guard, reservations);
  }

  /** The same router with {@code threads} stream threads. */
  public RouterConfig withStreamThreads(int threads) {
    return with(commitInterval, threads, limits, ingress, guard, reservations);
  }

  /** The same router reading {@code topics}. */
  public RouterConfig withIngress(Ingress topics) {
    return with(commitInterval, streamThreads, limits, topics, guard, reservations);
  }

  /** The same router inspecting requests under {@code setting}. */
  public RouterConfig withGuard(GuardSetting setting) {
    return with(commitInterval, streamThreads, limits, ingress, setting, reservations);
  }

  /** The same router with budget reservations as {@code setting} says. */
  public RouterConfig withReservations(ReservationSetting setting) {
    return with(commitInterval, streamThreads, limits, ingress, guard, setting);
  }

  /** The same router holding requests to {@code limits}. */
  public RouterConfig withLimits(RequestLimits limits) {
    return with(commitInterval, streamThreads, limits, ingress, guard, reservations);
  }

  private RouterConfig with(
      Duration commitInterval,
      int streamThreads,
      RequestLimits limits,
      Ingress ingress,
      GuardSetting guard,
      ReservationSetting reservations) {
    return new RouterConfig(
        common,
        catalog,
        applicationId,
        routing,
        commitInterval,
        streamThreads,
        limits,
        replies,
        ingress,
        guard,
        reservations);
  }

  /** A router with the standard routing defaults (cheapest, equal weights). */
  public RouterConfig(CommonConfig common, ModelCatalog catalog, String applicationId) {
    this(common, catalog, applicationId, RoutingDefaults.standard());
  }

  public static RouterConfig from(Settings s) {
    ModelCatalog catalog = ModelCatalog.from(s);
    CommonConfig common = CommonConfig.from(s);
    return new RouterConfig(
        common,
        enabled(catalog, s),
        s.require(APPLICATION_ID),
        routing(s),
        Duration.ofMillis(s.intValue(COMMIT_INTERVAL_MS, 1)),
        s.intValue(STREAM_THREADS, 1),
        RequestLimits.from(s),
        ReplyTopics.from(s, common.topics()),
        Ingress.parse(s.require(Ingress.KEY)),
        GuardSetting.parse(s.require(GuardSetting.KEY))
            .withRestoreKey(GuardRestoreKey.from(s).map(RestoreKey::of)),
        ReservationSetting.from(s));
  }

  /**
   * The routing defaults from {@link #STRATEGY}, {@link #TEAM_STRATEGIES}, {@link
   * #PROVIDER_WEIGHTS}, {@link #HEALTH_MAX_AGE}, {@link #TEAM_DROP_PARAMS}, {@link
   * #AUTO_THRESHOLD}, {@link #TEAM_AUTO_THRESHOLDS}.
   */
  public static RoutingDefaults routing(Settings s) {
    RoutingStrategy strategy = strategy(STRATEGY, s.require(STRATEGY));
    Map<String, RoutingStrategy> teams =
        s.pairs(TEAM_STRATEGIES, v -> strategy(TEAM_STRATEGIES, v));
    Map<String, Integer> weights =
        s.pairs(
            PROVIDER_WEIGHTS,
            v -> {
              try {
                return Integer.parseInt(v);
              } catch (NumberFormatException e) {
                throw new ConfigException(
                    PROVIDER_WEIGHTS.name()
                        + ": weight '"
                        + v
                        + "' is not an integer: "
                        + PROVIDER_WEIGHTS.doc());
              }
            });
    AutoRouting auto = autoRouting(s);
    try {
      return new RoutingDefaults(
          strategy,
          teams,
          weights,
          Duration.ofSeconds(s.intValue(HEALTH_MAX_AGE, 1)),
          Set.copyOf(s.list(TEAM_DROP_PARAMS).orElse(List.of())),
          auto);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          STRATEGY.name() + "/" + PROVIDER_WEIGHTS.name() + ": " + e.getMessage());
    }
  }

  private static AutoRouting autoRouting(Settings s) {
    double standard = threshold(AUTO_THRESHOLD, s.require(AUTO_THRESHOLD));
    Map<String, Double> teams =
        s.pairs(TEAM_AUTO_THRESHOLDS, v -> threshold(TEAM_AUTO_THRESHOLDS, v));
    return new AutoRouting(standard, teams);
  }

  private static double threshold(ConfigKey key, String v) {
    try {
      double t = Double.parseDouble(v.trim());
      if (t >= 0 && t <= 1) {
        return t;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new ConfigException(key.name() + ": threshold '" + v + "' is not a number in [0, 1]");
  }

  private static RoutingStrategy strategy(ConfigKey key, String v) {
    try {
      RoutingStrategy parsed =
          RoutingStrategy.valueOf(v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      if (parsed == RoutingStrategy.CHEAPEST
          || parsed == RoutingStrategy.LOWEST_LATENCY
          || parsed == RoutingStrategy.WEIGHTED) {
        return parsed;
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below
    }
    throw new ConfigException(
        key.name() + ": strategy '" + v + "' is not cheapest, lowest_latency or weighted");
  }

  /**
   * Keeps the providers named in {@link #PROVIDERS}, failing on a name the catalog does not know.
   */
  public static ModelCatalog enabled(ModelCatalog catalog, Settings s) {
    return catalog
        .providersNamed(s, PROVIDERS)
        .map(names -> catalog.restrictTo(p -> names.contains(p.name())))
        .orElse(catalog);
  }
}
