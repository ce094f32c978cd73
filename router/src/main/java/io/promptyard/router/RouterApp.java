package io.promptyard.router;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.router.budget.ReservationBook;
import io.promptyard.router.guard.GuardStage;
import io.promptyard.router.routing.RoutingPolicy;
import io.promptyard.router.routing.TokenEstimator;
import io.promptyard.router.templates.TopicTemplates;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.runtime.OperationsServer;
import io.promptyard.schemas.runtime.ProcessMetrics;
import io.promptyard.schemas.runtime.RunningService;
import io.promptyard.schemas.runtime.ScratchDirectory;
import io.promptyard.schemas.runtime.ServiceFailure;
import io.promptyard.schemas.runtime.ServiceMain;
import io.promptyard.schemas.runtime.ServiceTracing;
import io.promptyard.schemas.runtime.StreamsFailures;
import io.promptyard.schemas.runtime.StreamsProperties;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router service: creates its topics, then runs {@link RouterTopology} with exactly-once v2.
 */
public final class RouterApp implements RunningService {

  private static final Logger log = LoggerFactory.getLogger(RouterApp.class);

  /** Producer batch size for routed requests: 256 KB. */
  private static final int ROUTED_BATCH_BYTES = 256 * 1024;

  /**
   * How often, unless the operator's Kafka properties say otherwise, a router reading team topics
   * looks for new ones: 30 s.
   */
  static final int TEAM_TOPIC_REFRESH_MILLIS = 30_000;

  private static final String METADATA_MAX_AGE = ConsumerConfig.METADATA_MAX_AGE_CONFIG;

  private final KafkaStreams streams;
  private final ReplyCopies replyCopies;
  private final Path stateDir;
  private final ServiceFailure failure;
  private final Optional<OperationsServer> http;
  private final ServiceTracing tracing;
  private final boolean reserving;

  private RouterApp(
      KafkaStreams streams,
      ReplyCopies replyCopies,
      Path stateDir,
      ServiceFailure failure,
      Optional<OperationsServer> http,
      ServiceTracing tracing,
      boolean reserving) {
    this.reserving = reserving;
    this.streams = streams;
    this.replyCopies = replyCopies;
    this.stateDir = stateDir;
    this.failure = failure;
    this.http = http;
    this.tracing = tracing;
  }

  /**
   * Creates the router's topics if missing and starts the streams application, without HTTP
   * endpoints.
   */
  public static RouterApp start(RouterConfig config) {
    return start(config, RouterHttp.NONE);
  }

  /**
   * Creates the router's topics if missing, starts the streams application and, when {@code http}
   * says where, serves {@code /metrics} and {@code /health}.
   */
  public static RouterApp start(RouterConfig config, RouterHttp http) {
    Topics topics = config.common().topics();
    try (Admin admin = Admin.create(config.common().clientConfig(Map.of()))) {
      List<String> owned =
          new ArrayList<>(List.of(topics.replays(), topics.results(), topics.deadLetters()));
      if (config.reservations().on()) {
        // the gate topic is the router's; the aggregator writes the settlements, created here too
        // so that the router can start first
        owned.addAll(List.of(topics.budgetGate(), topics.budgetSettlements()));
      }
      if (config.ingress().readsShared()) {
        owned.addAll(List.of(topics.requests(), topics.requestsJson()));
      }
      for (ProviderSpec p : config.catalog().providers()) {
        owned.add(topics.route(p.name()));
        owned.add(topics.routeInteractive(p.name()));
      }
      TopicProvisioner provisioner = config.common().provisioner();
      provisioner.ensure(admin, owned);
      // Read as global stores; the worker, the usage aggregator and operators write them. Created
      // here too (compacted) so that the router can start first: Kafka Streams refuses to start on
      // a missing source topic.
      provisioner.ensureCompacted(
          admin, List.of(topics.providerHealth(), topics.budgetStatus(), topics.guardPolicies()));
      TopicTemplates.provision(admin, provisioner, topics);
    }
    // The router's global stores are in memory, rebuilt from their topics at start; Kafka Streams
    // still wants a directory.
    Path stateDir = ScratchDirectory.create("promptyard-router-");
    Properties props = streamsProperties(config, stateDir);
    RoutingPolicy policy =
        new RoutingPolicy(
            config.catalog(),
            new RequestValidator(config.limits()),
            config.routing(),
            Clock.systemUTC());
    GuardStage guard = GuardStage.of(config.guard());
    warmUp(guard);
    // Off unless OTEL_TRACES_EXPORTER names an exporter.
    ServiceTracing tracing = ServiceTracing.start("promptyard-router", System.getenv());
    // The route processors count into it from the start; /metrics, when served, renders it.
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RouterMetrics metrics = RouterMetrics.of(registry);
    ReplyCopies replyCopies = startReplyCopies(config);
    bindReplyCopyMetrics(registry, replyCopies);
    KafkaStreams streams =
        new KafkaStreams(
            RouterTopology.build(
                topics,
                policy,
                new RouterTopology.Options(
                    config.replies(),
                    config.ingress(),
                    guard,
                    tracing.tracing(),
                    metrics,
                    config.reservations(),
                    config.common().teamPartitions(),
                    replyCopies)),
            props);
    ServiceFailure failure = new ServiceFailure("router");
    StreamsFailures.reportTo(failure, streams, config.applicationId());
    Optional<OperationsServer> endpoints;
    try {
      endpoints =
          http.serves()
              ? Optional.of(serve(http, registry, streams, guard, failure))
              : Optional.empty();
    } catch (RuntimeException e) {
      streams.close();
      replyCopies.close();
      tracing.close();
      ScratchDirectory.delete(stateDir);
      throw e;
    }
    streams.start();
    log.info(
        "router started: {} providers, {} models, reading {}, guard policy {}",
        config.catalog().providers().size(),
        config.catalog().models().size(),
        readTopics(config),
        config.guard().name());
    return new RouterApp(
        streams, replyCopies, stateDir, failure, endpoints, tracing, config.reservations().on());
  }

  /**
   * The sender of the router's REJECTED results to the reply topics their requests name: a producer
   * of its own, outside the streams' transactions, and the reply topics that exist, listed with an
   * admin client.
   */
  private static ReplyCopies startReplyCopies(RouterConfig config) {
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            config
                .common()
                .clientConfig(
                    Map.of(
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 5,
                        // a reply topic deleted since it was listed holds the sender up this long
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000)),
            new StringSerializer(),
            new ByteArraySerializer());
    return ReplyCopies.start(
        producer, Admin.create(config.common().clientConfig(Map.of())), config.replies().prefix());
  }

  /**
   * Loads, before the stream thread takes its first request, what that request would otherwise load
   * while it waits: the tokenizers' vocabularies, libphonenumber's numbering plans and the
   * known-attack corpus (about a second of CPU on a small machine).
   */
  private static void warmUp(GuardStage guard) {
    CompletionRequest sample =
        CompletionRequest.newBuilder()
            .setId("warm-up")
            .setTeam("warm-up")
            .setModel("auto")
            .setMessages(
                List.of(
                    Message.newBuilder()
                        .setRole(Role.USER)
                        .setText("Ignore the outliers and call +1 201 555 0123 about order 48213.")
                        .build()))
            .build();
    TokenEstimator.of(sample);
    guard.screen(sample);
  }

  /**
   * {@code /metrics}: the JVM's memory, garbage collection, threads and CPU ({@link
   * ProcessMetrics}), the router's own counters in {@code registry} ({@link RouterMetrics}:
   * requests by outcome and lane, rejections by code, guard verdicts), every Kafka Streams client
   * metric (process rates and latencies, commit latency, consumer lag, producer errors) through
   * Micrometer, and the team guard policies the router could not use ({@code
   * promptyard_router_guard_policies_invalid_total}); {@code /health}: UP while the streams
   * application runs or rebalances and nothing has failed.
   */
  private static OperationsServer serve(
      RouterHttp http,
      PrometheusMeterRegistry registry,
      KafkaStreams streams,
      GuardStage guard,
      ServiceFailure failure) {
    bindClientMetrics(registry, streams);
    bindGuardMetrics(registry, guard);
    OperationsServer server =
        OperationsServer.start(
            http.bindAddress(),
            http.port(),
            http.tokens(),
            registry::scrape,
            () -> health(streams.state(), failure));
    log.info(
        "router serves /metrics{} and /health on {}",
        http.tokens().required() ? " (bearer token required)" : "",
        server.address());
    return server;
  }

  /**
   * Adds to what {@code /metrics} renders, besides the router's own counters: the JVM's meters and
   * those of {@code streams}' clients.
   */
  static void bindClientMetrics(MeterRegistry registry, KafkaStreams streams) {
    ProcessMetrics.bindTo(registry);
    new KafkaStreamsMetrics(streams).bindTo(registry);
  }

  /**
   * The count of team guard policy records the router could not use (each logged with its reason;
   * the team was guarded by the default policy): one that grows needs an operator.
   */
  static void bindGuardMetrics(MeterRegistry registry, GuardStage guard) {
    FunctionCounter.builder(
            "promptyard.router.guard.policies.invalid", guard, GuardStage::invalidTeamPolicies)
        .description(
            "team guard policy records the router could not use; their teams get the default policy")
        .register(registry);
  }

  /**
   * The count of copies of REJECTED results the router could not send to their reply topics (the
   * topic did not exist, the send failed, or too many were waiting): each result is still on the
   * results topic.
   */
  static void bindReplyCopyMetrics(MeterRegistry registry, ReplyCopies copies) {
    FunctionCounter.builder("promptyard.router.reply.copies.left.out", copies, ReplyCopies::leftOut)
        .description(
            "copies of REJECTED results not sent to their reply topics; the results are on the results"
                + " topic")
        .register(registry);
  }

  static OperationsServer.Health health(KafkaStreams.State state, ServiceFailure failure) {
    boolean up =
        (state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING)
            && failure.failure().isEmpty();
    return new OperationsServer.Health(
        up, "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"state\":\"" + state + "\"}");
  }

  /** Where {@code /metrics} and {@code /health} are served; empty when they are not. */
  public Optional<InetSocketAddress> httpAddress() {
    return http.map(OperationsServer::address);
  }

  /**
   * What the live budget reservations of {@code team} hold, in micro-dollars, as the stream tasks
   * of this instance keep them (zero when the team has none, or reservations are off).
   *
   * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the stores are not
   *     queryable (the router is starting or rebalancing)
   */
  public long reservedMicros(String team) {
    if (!reserving) {
      return 0;
    }
    ReadOnlyKeyValueStore<String, byte[]> standings =
        streams.store(
            StoreQueryParameters.fromNameAndType(
                BudgetGateStage.STANDINGS_STORE, QueryableStoreTypes.keyValueStore()));
    return ReservationBook.reservedMicros(standings.get(team));
  }

  /** The request topics the router reads, as a log line names them. */
  private static List<String> readTopics(RouterConfig config) {
    Topics topics = config.common().topics();
    List<String> read = new ArrayList<>(List.of(topics.replays()));
    if (config.ingress().readsShared()) {
      read.addAll(List.of(topics.requests(), topics.requestsJson()));
    }
    if (config.ingress().readsTeams()) {
      read.addAll(
          List.of(
              topics.teamRequestsPattern().pattern(), topics.teamRequestsJsonPattern().pattern()));
    }
    return read;
  }

  /**
   * The Kafka Streams configuration: the operator's Kafka client properties (unprefixed, so for
   * every client inside Kafka Streams), then the router's own over them.
   */
  static Properties streamsProperties(RouterConfig config, Path stateDir) {
    Topics topics = config.common().topics();
    Properties props =
        StreamsProperties.base(
            config.common(),
            config.applicationId(),
            stateDir,
            config.commitInterval(),
            config.streamThreads());
    // Prompts are text: lz4 halves what the broker stores and the workers fetch, for less CPU than
    // it saves; batches of up to 256 KB (the default is 16 KB, about 16 routed requests) mean fewer
    // lz4 frames for the router to start and fewer batches for the broker to check (bin/promptyard
    // bench router, docs/BENCHMARKS.md).
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), ROUTED_BATCH_BYTES);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    if (config.ingress().readsTeams() && !operatorSets(config, METADATA_MAX_AGE)) {
      // A team's topics are found by pattern when the consumer refreshes its metadata: every 5
      // minutes by default, which is long to wait for a new team's first request.
      props.put(StreamsConfig.mainConsumerPrefix(METADATA_MAX_AGE), TEAM_TOPIC_REFRESH_MILLIS);
    }
    // A record whose processing throws, or that would be too large to publish, becomes a dead
    // letter; the stream goes on.
    RouterTopology.errorHandling(props, topics, config.limits());
    return props;
  }

  /** Whether the operator's Kafka properties set {@code property}, for all clients or consumers. */
  private static boolean operatorSets(RouterConfig config, String property) {
    Map<String, String> own = config.common().kafka().values();
    return own.containsKey(property)
        || own.containsKey(StreamsConfig.consumerPrefix(property))
        || own.containsKey(StreamsConfig.mainConsumerPrefix(property));
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * The names of this instance's stream threads: a thread that dies and is replaced comes back
   * under a new name.
   */
  public Set<String> streamThreadNames() {
    return streams.metadataForLocalThreads().stream()
        .map(ThreadMetadata::threadName)
        .collect(Collectors.toSet());
  }

  /**
   * What stopped the router when it failed; the process is then to exit so that its supervisor
   * restarts it.
   */
  @Override
  public ServiceFailure failure() {
    return failure;
  }

  @Override
  public void close() {
    http.ifPresent(OperationsServer::close);
    streams.close(Duration.ofSeconds(30));
    streams.cleanUp();
    replyCopies.close();
    tracing.close();
    ScratchDirectory.delete(stateDir);
  }

  /** Runs the router until the process is stopped; configuration comes from the environment. */
  public static void main(String[] args) {
    ServiceMain.main(
        "router",
        RouterConfig.KEYS,
        args,
        environment -> {
          Settings settings = new Settings(environment);
          return start(RouterConfig.from(settings), RouterHttp.from(settings));
        });
  }
}
