package io.promptyard.usage;

import io.promptyard.schemas.config.BindAddress;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.usage.shadow.FalseHitPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The usage aggregator's configuration, parsed once at start-up.
 *
 * @param stateDir where the state stores live; null for a temporary directory deleted on close
 * @param httpPort port of the query API, dashboard, /metrics and /health; 0 picks a free one
 * @param advertisedHost the host other instances use to reach this one's HTTP port
 * @param commitInterval how often the aggregator commits (exactly-once) and publishes changed
 *     totals
 * @param streamThreads Kafka Streams threads
 * @param httpBind the address the HTTP port listens on; {@code 0.0.0.0} for every interface
 * @param httpTokens the bearer tokens the query API, dashboard data and {@code /metrics} require;
 *     {@link HttpTokens#NONE} for none
 * @param jsonMirrors whether results and usage are copied as JSON to their mirror topics
 * @param maxBreakdownValues the most distinct users, templates or tags per team and month with rows
 *     of their own
 * @param falseHits when a team's semantic mode is paused for the false hits shadow verification
 *     observed
 */
public record AggregatorConfig(
    CommonConfig common,
    String applicationId,
    Path stateDir,
    int httpPort,
    String advertisedHost,
    Duration commitInterval,
    Duration dedupRetention,
    Duration forecastAfter,
    int streamThreads,
    String httpBind,
    HttpTokens httpTokens,
    boolean jsonMirrors,
    int maxBreakdownValues,
    FalseHitPolicy falseHits) {

  public static final ConfigKey STATE_DIR =
      new ConfigKey(
          "PROMPTYARD_STATE_DIR",
          "/var/lib/promptyard/usage",
          "directory of the aggregator's state stores");
  public static final ConfigKey APPLICATION_ID =
      new ConfigKey(
          "PROMPTYARD_USAGE_APPLICATION_ID",
          "promptyard-usage-aggregator",
          "Kafka Streams application id of the aggregator");
  public static final ConfigKey HTTP_PORT =
      new ConfigKey(
          "PROMPTYARD_USAGE_HTTP_PORT",
          "8082",
          "port of the aggregator's query API, dashboard, `/metrics` and `/health`; 0 picks a free port");
  public static final ConfigKey HTTP_BIND =
      new ConfigKey(
          "PROMPTYARD_USAGE_HTTP_BIND",
          "0.0.0.0",
          "address the aggregator's query API, dashboard, `/metrics` and `/health` listen on; 0.0.0.0 is every interface, 127.0.0.1 this host only");
  public static final ConfigKey HTTP_TOKEN =
      new ConfigKey(
          "PROMPTYARD_USAGE_HTTP_TOKEN",
          null,
          "full-access bearer token of the query API, the dashboard's data and `/metrics` (at least 16 characters; the same on every instance); unset, with no team tokens: all open. `/health` stays open");
  public static final ConfigKey HTTP_TOKEN_FILE =
      new ConfigKey(
          "PROMPTYARD_USAGE_HTTP_TOKEN_FILE",
          null,
          "file holding the full-access bearer token, instead of PROMPTYARD_USAGE_HTTP_TOKEN");
  public static final ConfigKey HTTP_TEAM_TOKENS_FILE =
      new ConfigKey(
          "PROMPTYARD_USAGE_HTTP_TEAM_TOKENS_FILE",
          null,
          "file of team-scoped bearer tokens, one `team=token` a line (`#` comments), each seeing only its team's usage, budget and alerts; the same file on every instance");
  public static final ConfigKey ADVERTISED_HOST =
      new ConfigKey(
          "PROMPTYARD_USAGE_ADVERTISED_HOST",
          "localhost",
          "host name other aggregator instances use to reach this one's HTTP port (Kafka Streams `application.server`)");
  public static final ConfigKey COMMIT_INTERVAL_MS =
      new ConfigKey(
          "PROMPTYARD_USAGE_COMMIT_INTERVAL_MS",
          "1000",
          "how often the aggregator commits its exactly-once transaction and publishes changed totals and budget statuses");
  public static final ConfigKey DEDUP_RETENTION_DAYS =
      new ConfigKey(
          "PROMPTYARD_USAGE_DEDUP_RETENTION_DAYS",
          "35",
          "how long usage event ids are remembered; older events are not counted (late)");
  public static final ConfigKey FORECAST_AFTER_HOURS =
      new ConfigKey(
          "PROMPTYARD_USAGE_FORECAST_AFTER_HOURS",
          "24",
          "hours of a month that must pass before its run-rate can raise a projected-to-exceed alert"
              + " or be projected on the dashboard");
  public static final ConfigKey STREAM_THREADS =
      new ConfigKey(
          "PROMPTYARD_USAGE_STREAM_THREADS",
          "1",
          "Kafka Streams threads of one aggregator instance");

  public static final ConfigKey JSON_MIRRORS =
      new ConfigKey(
          "PROMPTYARD_USAGE_JSON_MIRRORS",
          "false",
          "`true` copies every result to `promptyard.results.json` (one OpenAI Batch output line each) and every usage event to `promptyard.usage.json` (one JSON object each), exactly once, for consumers that do not read Avro");

  public static final ConfigKey MAX_BREAKDOWN_VALUES =
      new ConfigKey(
          "PROMPTYARD_USAGE_MAX_BREAKDOWN_VALUES",
          String.valueOf(UsageTopology.Options.MAX_BREAKDOWN_VALUES),
          "the most distinct users, templates and tags (each) per team and month given usage totals"
              + " of their own; later ones are counted together as `(other)`");

  public static final ConfigKey FALSE_HIT_LIMIT =
      new ConfigKey(
          "PROMPTYARD_USAGE_FALSE_HIT_LIMIT_PERCENT",
          "5",
          "the semantic cache's observed false-hit rate (shadow verification) past which a team's"
              + " semantic mode is paused, in percent (decimals allowed)");
  public static final ConfigKey TEAM_FALSE_HIT_LIMITS =
      new ConfigKey(
          "PROMPTYARD_USAGE_TEAM_FALSE_HIT_LIMITS",
          null,
          "per-team false-hit limits in percent over PROMPTYARD_USAGE_FALSE_HIT_LIMIT_PERCENT, e.g."
              + " `search=2,support=10`");
  public static final ConfigKey FALSE_HIT_MIN_SAMPLES =
      new ConfigKey(
          "PROMPTYARD_USAGE_FALSE_HIT_MIN_SAMPLES",
          "20",
          "shadowed hits of a team that must have been compared before its false-hit rate pauses or"
              + " resumes its semantic mode");
  public static final ConfigKey FALSE_HIT_WINDOW =
      new ConfigKey(
          "PROMPTYARD_USAGE_FALSE_HIT_WINDOW",
          "100",
          "how many of a team's most recent shadowed hits its false-hit rate is taken over");

  /** The aggregator's own keys; {@link CommonConfig#KEYS} apply too. */
  public static final List<ConfigKey> KEYS =
      List.of(
          STATE_DIR,
          APPLICATION_ID,
          HTTP_PORT,
          HTTP_BIND,
          HTTP_TOKEN,
          HTTP_TOKEN_FILE,
          HTTP_TEAM_TOKENS_FILE,
          ADVERTISED_HOST,
          COMMIT_INTERVAL_MS,
          DEDUP_RETENTION_DAYS,
          FORECAST_AFTER_HOURS,
          STREAM_THREADS,
          JSON_MIRRORS,
          MAX_BREAKDOWN_VALUES,
          FALSE_HIT_LIMIT,
          TEAM_FALSE_HIT_LIMITS,
          FALSE_HIT_MIN_SAMPLES,
          FALSE_HIT_WINDOW);

  public static AggregatorConfig from(Settings s) {
    return new AggregatorConfig(
        CommonConfig.from(s),
        s.require(APPLICATION_ID),
        Path.of(s.require(STATE_DIR)),
        s.intValue(HTTP_PORT, 0),
        s.require(ADVERTISED_HOST),
        Duration.ofMillis(s.intValue(COMMIT_INTERVAL_MS, 10)),
        Duration.ofDays(s.intValue(DEDUP_RETENTION_DAYS, 1)),
        Duration.ofHours(s.intValue(FORECAST_AFTER_HOURS, 0)),
        s.intValue(STREAM_THREADS, 1),
        BindAddress.parse(HTTP_BIND, s),
        HttpTokens.from(s, HTTP_TOKEN, HTTP_TOKEN_FILE, HTTP_TEAM_TOKENS_FILE),
        s.boolValue(JSON_MIRRORS),
        s.intValue(MAX_BREAKDOWN_VALUES, 1),
        falseHits(s));
  }

  private static FalseHitPolicy falseHits(Settings s) {
    int minSamples = s.intValue(FALSE_HIT_MIN_SAMPLES, 1);
    return new FalseHitPolicy(
        s.percentValue(FALSE_HIT_LIMIT),
        s.pairs(TEAM_FALSE_HIT_LIMITS, v -> Settings.percent(TEAM_FALSE_HIT_LIMITS, v)),
        minSamples,
        s.intValue(FALSE_HIT_WINDOW, minSamples));
  }

  /**
   * Defaults for an aggregator inside another process (dev, tests): temporary state, any free port.
   */
  public static AggregatorConfig embedded(
      CommonConfig common, String applicationId, Path stateDir) {
    return new AggregatorConfig(
        common,
        applicationId,
        stateDir,
        0,
        "localhost",
        Duration.ofMillis(200),
        Duration.ofDays(35),
        Duration.ofDays(1),
        1,
        HTTP_BIND.defaultValue(),
        HttpTokens.NONE,
        false,
        UsageTopology.Options.MAX_BREAKDOWN_VALUES,
        FalseHitPolicy.DEFAULT);
  }

  /** This configuration with Kafka Streams committing every {@code interval} on {@code threads}. */
  public AggregatorConfig withStreams(Duration interval, int threads) {
    return with(interval, threads, jsonMirrors, falseHits);
  }

  /** This configuration pausing teams' semantic mode under {@code policy}. */
  public AggregatorConfig withFalseHits(FalseHitPolicy policy) {
    return with(commitInterval, streamThreads, jsonMirrors, policy);
  }

  /** This configuration copying results and usage, as JSON, to their mirror topics or not. */
  public AggregatorConfig withJsonMirrors(boolean mirrors) {
    return with(commitInterval, streamThreads, mirrors, falseHits);
  }

  private AggregatorConfig with(
      Duration commitInterval, int streamThreads, boolean jsonMirrors, FalseHitPolicy falseHits) {
    return new AggregatorConfig(
        common,
        applicationId,
        stateDir,
        httpPort,
        advertisedHost,
        commitInterval,
        dedupRetention,
        forecastAfter,
        streamThreads,
        httpBind,
        httpTokens,
        jsonMirrors,
        maxBreakdownValues,
        falseHits);
  }

  /** The topology's options under this configuration. */
  UsageTopology.Options topologyOptions() {
    return new UsageTopology.Options(
        common.topics(),
        dedupRetention,
        forecastAfter,
        commitInterval,
        50_000,
        jsonMirrors,
        maxBreakdownValues,
        falseHits);
  }
}
