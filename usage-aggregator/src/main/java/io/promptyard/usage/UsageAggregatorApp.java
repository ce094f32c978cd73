package io.promptyard.usage;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.deadletter.DeadLetterExceptionHandler;
import io.promptyard.schemas.runtime.ProcessMetrics;
import io.promptyard.schemas.runtime.ScratchDirectory;
import io.promptyard.schemas.runtime.ServiceFailure;
import io.promptyard.schemas.runtime.Services;
import io.promptyard.schemas.runtime.StreamsFailures;
import io.promptyard.schemas.runtime.StreamsProperties;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.budget.BudgetAlerts;
import io.promptyard.usage.query.LocalQueries;
import io.promptyard.usage.query.Peers;
import io.promptyard.usage.query.QueryServer;
import io.promptyard.usage.query.UsageApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage aggregator service: runs {@link UsageTopology} with exactly-once v2 and serves the
 * query API, the dashboard, {@code /metrics} and {@code /health}.
 */
public final class UsageAggregatorApp implements AutoCloseable {

  /** The aggregator's own keys; {@link CommonConfig#KEYS} apply too. */
  public static final List<ConfigKey> KEYS = AggregatorConfig.KEYS;

  private static final Logger log = LoggerFactory.getLogger(UsageAggregatorApp.class);

  private final KafkaStreams streams;
  private final QueryServer http;
  private final UsageMetrics metrics;
  private final LocalQueries queries;

  /** The temporary state directory, deleted on close; empty when the state is kept. */
  private final Optional<Path> scratchState;

  private final ServiceFailure failure;

  private UsageAggregatorApp(
      KafkaStreams streams,
      QueryServer http,
      UsageMetrics metrics,
      Optional<Path> scratchState,
      ServiceFailure failure) {
    this.failure = failure;
    this.streams = streams;
    this.http = http;
    this.metrics = metrics;
    this.queries = new LocalQueries(streams);
    this.scratchState = scratchState;
  }

  /**
   * Starts an aggregator inside another process (dev): temporary state unless {@code stateDir} is
   * given, any free port.
   */
  public static UsageAggregatorApp start(CommonConfig common, String applicationId, Path stateDir) {
    return start(AggregatorConfig.embedded(common, applicationId, stateDir), Clock.systemUTC());
  }

  /** Creates the aggregator's topics if missing and starts it. */
  public static UsageAggregatorApp start(AggregatorConfig config, Clock clock) {
    TopicProvisioner.Replication replication = ensureTopics(config.common(), config.jsonMirrors());
    boolean temporary = config.stateDir() == null;
    Path dir;
    try {
      dir =
          temporary
              ? ScratchDirectory.create("promptyard-usage-")
              : Files.createDirectories(config.stateDir());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot create the aggregator's state directory "
              + config.stateDir()
              + ": "
              + e.getMessage(),
          e);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProcessMetrics.bindTo(registry);
    UsageMetrics metrics = new UsageMetrics(registry);
    KafkaStreams[] ref = new KafkaStreams[1];
    ServiceFailure failure = new ServiceFailure("usage-aggregator");
    QueryServer http =
        QueryServer.start(
            config.httpBind(),
            config.httpPort(),
            config.httpTokens(),
            registry::scrape,
            () -> health(ref[0], failure));
    try {
      HostInfo self = new HostInfo(config.advertisedHost(), http.port());
      KafkaStreams streams =
          new KafkaStreams(
              UsageTopology.build(config.topologyOptions(), metrics),
              streamsProperties(config, dir, self, replication));
      ref[0] = streams;
      new KafkaStreamsMetrics(streams).bindTo(registry);
      StreamsFailures.reportTo(failure, streams, config.applicationId());
      streams.start();
      http.serve(
          new UsageApi(
              new LocalQueries(streams),
              new Peers(streams, self),
              clock,
              new BudgetAlerts(config.forecastAfter()),
              config.maxBreakdownValues()));
      log.info(
          "usage aggregator started, reading {}; API and dashboard at http://{}:{}/{}",
          config.common().topics().usage(),
          self.host(),
          self.port(),
          config.httpTokens().required() ? " (bearer token required)" : "");
      return new UsageAggregatorApp(
          streams, http, metrics, temporary ? Optional.of(dir) : Optional.empty(), failure);
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
  }

  private static QueryServer.Health health(KafkaStreams streams, ServiceFailure failure) {
    if (streams == null) {
      return new QueryServer.Health(false, "STARTING");
    }
    KafkaStreams.State state = streams.state();
    return new QueryServer.Health(
        (state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING)
            && failure.failure().isEmpty(),
        state.name());
  }

  /**
   * The Kafka Streams configuration: the operator's Kafka client properties (unprefixed, so for
   * every client inside Kafka Streams), then the aggregator's own over them.
   */
  static Properties streamsProperties(
      AggregatorConfig config, Path dir, HostInfo self, TopicProvisioner.Replication replication) {
    Properties props =
        StreamsProperties.base(
            config.common(),
            config.applicationId(),
            dir,
            config.commitInterval(),
            config.streamThreads());
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 5_000);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, SeenStoreRocksDbConfig.class);
    // A record whose processing throws becomes a dead letter, and the stream goes on.
    DeadLetterExceptionHandler.install(props, config.common().topics().deadLetters());
    // The changelogs of the stores are replicated like the service's own topics, so that losing a
    // broker stops neither the aggregator's transactions nor the restoring of its state.
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication.factor());
    props.put(
        StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        Integer.toString(replication.minInSyncReplicas()));
    return props;
  }

  /** {@link #ensureTopics(CommonConfig, boolean)} without the JSON mirrors. */
  static TopicProvisioner.Replication ensureTopics(CommonConfig common) {
    return ensureTopics(common, false);
  }

  /**
   * Creates the topics the aggregator reads and writes. Budget settings and semantic pauses are
   * keyed by team like usage, and must have as many partitions, so that a team's settings, pauses
   * and usage meet in the same task. The results topic, whose guard verdicts it counts, and with
   * the JSON mirrors on the two mirror topics too.
   *
   * @return the replication of new topics, which Kafka Streams' internal topics get too
   */
  static TopicProvisioner.Replication ensureTopics(CommonConfig common, boolean jsonMirrors) {
    Topics topics = common.topics();
    TopicProvisioner provisioner = common.provisioner();
    try (Admin admin = Admin.create(common.clientConfig(Map.of()))) {
      provisioner.ensure(
          admin,
          List.of(
              topics.usage(),
              topics.deadLetters(),
              topics.alerts(),
              topics.results(),
              topics.budgetSettlements()));
      if (jsonMirrors) {
        provisioner.ensure(admin, List.of(topics.resultsJson(), topics.usageJson()));
      }
      provisioner.ensureCompacted(admin, List.of(topics.usageTotals(), topics.budgetStatus()));
      int usagePartitions = partitions(admin, topics.usage());
      provisioner
          .withPartitions(usagePartitions)
          .ensureCompacted(admin, List.of(topics.budgets(), topics.semanticPauses()));
      samePartitions(admin, topics.budgets(), topics.usage(), usagePartitions);
      samePartitions(admin, topics.semanticPauses(), topics.usage(), usagePartitions);
      return provisioner.replication(admin);
    }
  }

  /**
   * Fails when {@code topic}, keyed by team like {@code usage}, has not its {@code usagePartitions}
   * partitions: a team's records of both must meet in the same task.
   */
  private static void samePartitions(Admin admin, String topic, String usage, int usagePartitions) {
    int found = partitions(admin, topic);
    if (found != usagePartitions) {
      throw new IllegalStateException(
          "topic "
              + topic
              + " has "
              + found
              + " partitions but "
              + usage
              + " has "
              + usagePartitions
              + "; it is keyed by team like usage and needs as many partitions (recreate "
              + topic
              + " with "
              + usagePartitions
              + " partitions and write its records again)");
    }
  }

  private static int partitions(Admin admin, String topic) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        TopicDescription d =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        return d.partitions().size();
      } catch (ExecutionException e) {
        // a topic created a moment ago may not be in the metadata yet
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not describe topic " + topic + ": " + e.getMessage(), e);
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("could not describe topic " + topic + " within 30 s", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while describing topic " + topic, e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while describing topic " + topic, e);
      }
    }
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * What stopped the aggregator when it failed; the process is then to exit so that its supervisor
   * restarts it.
   */
  public ServiceFailure failure() {
    return failure;
  }

  /** The port of the query API and dashboard. */
  public int httpPort() {
    return http.port();
  }

  public UsageMetrics metrics() {
    return metrics;
  }

  /** Reads this instance's stores. */
  public LocalQueries queries() {
    return queries;
  }

  /** Every team's totals for every day this instance holds, read from its local store. */
  public List<UsageTotals> teamDailyTotals() {
    return queries.teamTotals(Period.DAY);
  }

  @Override
  public void close() {
    http.close();
    streams.close(Duration.ofSeconds(30));
    scratchState.ifPresent(
        dir -> {
          streams.cleanUp();
          ScratchDirectory.delete(dir);
        });
  }

  /** Runs the aggregator until the process is stopped; configuration comes from the environment. */
  public static void main(String[] args) {
    io.promptyard.schemas.runtime.ServiceMain.main(
        "usage-aggregator",
        KEYS,
        args,
        () -> {
          Settings s = new Settings(System.getenv());
          UsageAggregatorApp aggregator = start(AggregatorConfig.from(s), Clock.systemUTC());
          Services.runUntilStopped("usage-aggregator", aggregator, aggregator.failure());
        });
  }
}
