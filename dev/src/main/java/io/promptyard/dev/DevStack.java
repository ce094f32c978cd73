package io.promptyard.dev;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.guardrails.RestoreKey;
import io.promptyard.providers.ChatProviders;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.router.RouterApp;
import io.promptyard.router.RouterConfig;
import io.promptyard.router.budget.ReservationSetting;
import io.promptyard.router.guard.GuardSetting;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.GuardRestoreKey;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.runtime.ServiceFailure;
import io.promptyard.schemas.serde.AvroWireFormat;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.usage.UsageAggregatorApp;
import io.promptyard.worker.WorkerApp;
import io.promptyard.worker.WorkerConfig;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import io.promptyard.worker.moderation.ModerationSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole Promptyard stack in one JVM: the embedded broker, the simulated provider (or the real
 * OpenAI API when a key is in the environment), router, worker and usage aggregator. Used by {@code
 * promptyard dev}, the end-to-end tests and the pipeline benchmark.
 *
 * @param kafka the cluster the services run on
 * @param simulator the simulated provider, or empty when a real provider is used
 * @param topics the topics of the stack
 * @param providers the providers jobs are routed to
 * @param cacheDescription where the cache and idempotency ledger live, in words
 * @param started what {@link #close()} stops, in the order it was started (the cluster only when
 *     the stack started it)
 */
public record DevStack(
    EmbeddedKafka kafka,
    Optional<SimulatedProvider> simulator,
    UsageAggregatorApp usage,
    RouterApp router,
    WorkerApp worker,
    Topics topics,
    List<String> providers,
    String cacheDescription,
    List<AutoCloseable> started)
    implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DevStack.class);

  /**
   * How to start the stack.
   *
   * @param kafkaPort the broker's client port; 0 picks a free one
   * @param redis Redis for cache and idempotency; empty for in-memory stand-ins
   * @param environment where provider API keys are looked up
   * @param simulator the simulated provider's behaviour (used when no real provider key is set)
   * @param workerConsumers share consumers per provider topic
   * @param timeouts the provider adapters' connect, first-byte and total timeouts
   * @param catalog the model catalog the router and worker use
   * @param simulated the catalog's providers that the simulated provider stands in for: each is
   *     pointed at the simulator's URL and served by the worker (their API keys, if the catalog
   *     entries name any, come from {@code environment} like any provider's)
   */
  public record Options(
      int kafkaPort,
      Optional<URI> redis,
      Map<String, String> environment,
      SimulatorConfig simulator,
      int workerConsumers,
      HttpTimeouts timeouts,
      ModelCatalog catalog,
      List<String> simulated) {

    public Options {
      simulated = List.copyOf(simulated);
      for (String name : simulated) {
        if (catalog.provider(name).isEmpty()) {
          throw new IllegalArgumentException(
              "simulated provider " + name + " is not in the catalog");
        }
      }
    }

    public static Options defaults() {
      return new Options(
          0,
          Optional.empty(),
          Map.of(),
          SimulatorConfig.defaults(),
          4,
          HttpTimeouts.DEFAULTS,
          ModelCatalog.bundled(),
          List.of("sim"));
    }

    public Options withKafkaPort(int port) {
      return with(o -> o.kafkaPort = port);
    }

    public Options withRedis(Optional<URI> url) {
      return with(o -> o.redis = url);
    }

    public Options withEnvironment(Map<String, String> env) {
      return with(o -> o.environment = env);
    }

    public Options withSimulator(SimulatorConfig config) {
      return with(o -> o.simulator = config);
    }

    public Options withTimeouts(HttpTimeouts providerTimeouts) {
      return with(o -> o.timeouts = providerTimeouts);
    }

    /**
     * Starts from {@code modelCatalog} instead of the bundled one, with the simulator standing in
     * for the named providers (for example a {@code sim} entry that requires a key from the
     * environment, so that the simulator's {@link SimulatorConfig#withApiKey} is checked, and a
     * second entry whose key is wrong).
     */
    public Options withSimulatedProviders(ModelCatalog modelCatalog, List<String> providers) {
      return with(
          o -> {
            o.catalog = modelCatalog;
            o.simulated = providers;
          });
    }

    /** A copy of these options with {@code change} applied, validated as any other. */
    private Options with(Consumer<Copy> change) {
      Copy copy = new Copy(this);
      change.accept(copy);
      return copy.build();
    }

    /** The components of the options, open to change for one {@code with...} call. */
    private static final class Copy {
      int kafkaPort;
      Optional<URI> redis;
      Map<String, String> environment;
      SimulatorConfig simulator;
      int workerConsumers;
      HttpTimeouts timeouts;
      ModelCatalog catalog;
      List<String> simulated;

      Copy(Options o) {
        kafkaPort = o.kafkaPort;
        redis = o.redis;
        environment = o.environment;
        simulator = o.simulator;
        workerConsumers = o.workerConsumers;
        timeouts = o.timeouts;
        catalog = o.catalog;
        simulated = o.simulated;
      }

      Options build() {
        return new Options(
            kafkaPort,
            redis,
            environment,
            simulator,
            workerConsumers,
            timeouts,
            catalog,
            simulated);
      }
    }
  }

  private static final Duration READY_POLL = Duration.ofMillis(50);
  private static final Duration READY_CALL = Duration.ofSeconds(5);

  /** The Kafka Streams application id of the router. */
  public static final String ROUTER_APPLICATION_ID = "promptyard-dev-router";

  /** The share group of the worker. */
  public static final String WORKER_GROUP = "promptyard-dev-worker";

  /** The Kafka Streams application id of the usage aggregator. */
  public static final String AGGREGATOR_APPLICATION_ID = "promptyard-dev-usage";

  /**
   * The Kafka client properties (security settings) each service connects with, as an operator
   * gives them in {@code PROMPTYARD_KAFKA_CONFIG}; the bootstrap servers are the broker's.
   */
  public record ServiceClients(
      KafkaClientProperties router,
      KafkaClientProperties worker,
      KafkaClientProperties aggregator) {

    /** No properties: a broker that needs no security settings. */
    public static final ServiceClients NONE =
        new ServiceClients(
            KafkaClientProperties.NONE, KafkaClientProperties.NONE, KafkaClientProperties.NONE);
  }

  public static DevStack start(Options options) {
    EmbeddedKafka kafka = EmbeddedKafka.start(options.kafkaPort());
    try {
      return start(options, kafka, List.of(kafka), ServiceClients.NONE);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /**
   * Starts the services on a cluster that is already running (for example several brokers, for
   * fault tests); {@link #close()} stops the services and leaves the cluster running. {@link
   * Options#kafkaPort()} is ignored.
   */
  public static DevStack startOn(EmbeddedKafka kafka, Options options) {
    return startOn(kafka, options, ServiceClients.NONE);
  }

  /**
   * Starts the services on a running cluster, each connecting with its own client properties (for
   * example a secured broker, each service logging in as a user of its own).
   */
  public static DevStack startOn(EmbeddedKafka kafka, Options options, ServiceClients clients) {
    return start(options, kafka, List.of(), clients);
  }

  private static DevStack start(
      Options options, EmbeddedKafka kafka, List<AutoCloseable> owned, ServiceClients clients) {
    List<AutoCloseable> started = new ArrayList<>(owned);
    try {
      // one JVM, one deployment: every service of the stack writes the format the environment names
      AvroWireFormat.install(AvroWireFormat.from(new Settings(options.environment())));
      ModelCatalog catalog = options.catalog();
      SimulatedProvider simulator = null;
      List<String> providers;
      Optional<ProviderSpec> openai = catalog.provider("openai");
      if (openai.isPresent() && ChatProviders.usable(openai.get(), options.environment())) {
        providers = List.of("openai");
        log.info("OPENAI_API_KEY is set: using the real OpenAI API");
      } else {
        simulator = SimulatedProvider.start(options.simulator());
        started.add(simulator);
        for (String name : options.simulated()) {
          catalog = catalog.withBaseUrl(name, simulator.baseUrl());
        }
        providers = options.simulated();
      }
      ModelCatalog enabled = catalog.restrictTo(p -> providers.contains(p.name()));
      Topics topics = Topics.defaults();
      CommonConfig common =
          new CommonConfig(kafka.bootstrapServers(), topics, TopicProvisioner.sizedToCluster(3));
      // Create every topic before any service starts, so that no consumer starts on a missing
      // topic.
      try (var admin = kafka.admin()) {
        List<String> all =
            new ArrayList<>(
                List.of(
                    topics.requests(),
                    topics.requestsJson(),
                    topics.replays(),
                    topics.results(),
                    topics.usage(),
                    topics.deadLetters(),
                    topics.chunks(),
                    topics.audit()));
        providers.forEach(p -> all.add(topics.route(p)));
        common.provisioner().ensure(admin, all);
      }
      UsageAggregatorApp usage =
          UsageAggregatorApp.start(
              withClient(common, clients.aggregator()), AGGREGATOR_APPLICATION_ID, null);
      started.add(usage);
      // The guard's restore mode: router and worker share the key from the environment.
      Optional<RestoreKey> restoreKey =
          GuardRestoreKey.from(new Settings(options.environment())).map(RestoreKey::of);
      RouterApp router =
          RouterApp.start(
              new RouterConfig(withClient(common, clients.router()), enabled, ROUTER_APPLICATION_ID)
                  .withGuard(
                      GuardSetting.parse(
                              options
                                  .environment()
                                  .getOrDefault(
                                      GuardSetting.KEY.name(), GuardSetting.KEY.defaultValue()))
                          .withRestoreKey(restoreKey))
                  .withReservations(ReservationSetting.from(new Settings(options.environment()))));
      started.add(router);
      // Output moderation asks the simulator's moderation endpoint unless the environment names
      // one.
      ModerationSettings moderation = ModerationSettings.from(new Settings(options.environment()));
      if (moderation.url().isEmpty() && simulator != null) {
        moderation =
            new ModerationSettings(
                Optional.of(URI.create(simulator.baseUrl())),
                moderation.model(),
                moderation.keyEnv(),
                moderation.withholdOnError());
      }
      WorkerConfig workerConfig =
          WorkerConfig.builder(
                  withClient(common, clients.worker()),
                  enabled,
                  providers,
                  WORKER_GROUP,
                  new JobPolicy(
                      3,
                      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)),
                      Duration.ofHours(1),
                      Duration.ofHours(1)))
              .consumers(options.workerConsumers(), 250)
              .redis(options.redis())
              .environment(options.environment())
              .moderation(moderation)
              .restoreKey(restoreKey)
              .build();
      WorkerApp worker =
          WorkerApp.start(
              workerConfig,
              spec -> ChatProviders.create(spec, options.environment(), options.timeouts()));
      started.add(worker);
      String cache =
          options
              .redis()
              .map(u -> "Redis at " + u.getHost() + ":" + u.getPort())
              .orElse(
                  "in-memory stand-ins for the cache and idempotency ledger (no Redis URL given)");
      return new DevStack(
          kafka,
          Optional.ofNullable(simulator),
          usage,
          router,
          worker,
          topics,
          providers,
          cache,
          started);
    } catch (RuntimeException e) {
      closeAll(started.subList(owned.size(), started.size()));
      throw e;
    }
  }

  private static CommonConfig withClient(CommonConfig common, KafkaClientProperties client) {
    return new CommonConfig(
        common.bootstrapServers(), common.topics(), common.provisioner(), client);
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /**
   * Completes with the first failure of router, worker or aggregator that they could not recover
   * from by themselves.
   */
  public CompletableFuture<ServiceFailure.ServiceFailedException> whenFailed() {
    CompletableFuture<ServiceFailure.ServiceFailedException> first = new CompletableFuture<>();
    List.of(router.failure(), worker.failure(), usage.failure())
        .forEach(f -> f.whenFailed().thenAccept(first::complete));
    return first;
  }

  /**
   * Waits until a request published now would be served without waiting for a service to start: the
   * router and the usage aggregator are running (their first rebalance done, their tasks assigned)
   * and every partition of every route topic the worker reads, both lanes, is assigned to one of
   * its share consumers. Until then a request sits in a topic nobody reads yet: the first requests
   * after a start used to wait seconds for the share group's first assignment.
   *
   * @throws IllegalStateException when that has not happened within {@code timeout}, naming what is
   *     still missing
   */
  public void awaitServing(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String missing;
    try (Admin admin = kafka.admin()) {
      while ((missing = notServingYet(admin)) != null) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the stack is not serving after " + timeout.toSeconds() + " s: " + missing);
        }
        Thread.sleep(READY_POLL.toMillis());
      }
    }
  }

  /** What keeps a request from being served now, or null when nothing does. */
  private String notServingYet(Admin admin) throws InterruptedException {
    if (router.state() != KafkaStreams.State.RUNNING) {
      return "the router is " + router.state();
    }
    if (usage.state() != KafkaStreams.State.RUNNING) {
      return "the usage aggregator is " + usage.state();
    }
    List<String> routeTopics = new ArrayList<>();
    for (String p : providers) {
      for (Priority lane : Priority.values()) {
        routeTopics.add(topics.route(p, lane));
      }
    }
    try {
      Set<TopicPartition> unassigned = new HashSet<>();
      admin
          .describeTopics(routeTopics)
          .allTopicNames()
          .get(READY_CALL.toMillis(), TimeUnit.MILLISECONDS)
          .values()
          .forEach(
              t ->
                  t.partitions()
                      .forEach(p -> unassigned.add(new TopicPartition(t.name(), p.partition()))));
      admin
          .describeShareGroups(List.of(WORKER_GROUP))
          .describedGroups()
          .get(WORKER_GROUP)
          .get(READY_CALL.toMillis(), TimeUnit.MILLISECONDS)
          .members()
          .forEach(m -> unassigned.removeAll(m.assignment().topicPartitions()));
      return unassigned.isEmpty()
          ? null
          : "the worker's share consumers have no assignment yet for " + unassigned;
    } catch (ExecutionException | TimeoutException e) {
      // a route topic the worker has not created yet, or a share group no consumer has joined
      return "the worker's share group is not assigned yet (" + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    closeAll(started);
  }

  private static void closeAll(List<AutoCloseable> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn(
            "error while stopping {}: {}", started.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    started.clear();
  }
}
