package io.promptyard.router;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.router.budget.ReservationSetting;
import io.promptyard.router.guard.GuardSetting;
import io.promptyard.router.guard.GuardStage;
import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.router.routing.RoutingPolicy;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.BudgetSettlement;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.TeamGuardPolicy;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.ingress.RequestLimits;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.ReplyTopics;
import io.promptyard.schemas.topics.TeamPartitions;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.tracing.JobTracing;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The router topology on a {@link TopologyTestDriver}, with helpers to feed requests, health and
 * budgets.
 */
final class RouterDriver implements AutoCloseable {

  /** The time every request is made at unless a test says otherwise: 2026-11-23, mid-month UTC. */
  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  final Topics topics = Topics.defaults();
  private final TopologyTestDriver driver;
  final TestInputTopic<byte[], byte[]> avroIn;
  final TestInputTopic<byte[], byte[]> jsonIn;
  final TestInputTopic<byte[], byte[]> replayIn;
  private final TestInputTopic<String, byte[]> healthIn;
  private final TestInputTopic<String, byte[]> budgetIn;
  private final TestInputTopic<String, byte[]> templatesIn;
  final TestOutputTopic<String, CompletionResult> results;
  final TestOutputTopic<String, DeadLetter> dlq;

  /** The copies of results the router handed to its reply copier: reply topic and result. */
  final List<Map.Entry<String, CompletionResult>> replyCopies = new ArrayList<>();

  private final AvroSerde<RoutedRequest> routedSerde = AvroSerde.of(RoutedRequest.class);

  RouterDriver(ModelCatalog catalog) {
    this(catalog, RoutingDefaults.standard());
  }

  /**
   * The standard defaults, except that {@code teams} drop parameters as if each set drop_params.
   */
  static RoutingDefaults droppingParamsOf(String... teams) {
    RoutingDefaults standard = RoutingDefaults.standard();
    return new RoutingDefaults(
        standard.strategy(),
        standard.teamStrategies(),
        standard.providerWeights(),
        standard.healthMaxAge(),
        Set.of(teams));
  }

  RouterDriver(ModelCatalog catalog, RoutingDefaults defaults) {
    this(catalog, defaults, RequestLimits.defaults());
  }

  /**
   * The router as it runs in production (dead-letter exception handler included), with these
   * limits.
   */
  RouterDriver(ModelCatalog catalog, RoutingDefaults defaults, RequestLimits limits) {
    this(catalog, defaults, limits, ReplyTopics.defaults(Topics.defaults()));
  }

  /** The router as it runs in production, with these limits and reply topics. */
  RouterDriver(
      ModelCatalog catalog, RoutingDefaults defaults, RequestLimits limits, ReplyTopics replies) {
    this(catalog, defaults, limits, replies, Ingress.SHARED);
  }

  /** The router as it runs in production, reading the request topics {@code ingress} names. */
  RouterDriver(ModelCatalog catalog, Ingress ingress) {
    this(catalog, ingress, GuardStage.OFF);
  }

  /** The router as it runs in production, reading both ingress topic kinds, with this guard. */
  RouterDriver(ModelCatalog catalog, GuardSetting guard) {
    this(catalog, Ingress.BOTH, GuardStage.of(guard));
  }

  /**
   * The router as it runs in production, reading the shared topics, with its spans made by {@code
   * tracing}.
   */
  RouterDriver(ModelCatalog catalog, JobTracing tracing) {
    this(
        catalog,
        RoutingDefaults.standard(),
        RequestLimits.defaults(),
        ReplyTopics.defaults(Topics.defaults()),
        Ingress.SHARED,
        GuardStage.OFF,
        tracing);
  }

  /** The router as it runs in production, reading both ingress topic kinds, with this stage. */
  RouterDriver(ModelCatalog catalog, GuardStage guard) {
    this(catalog, Ingress.BOTH, guard);
  }

  /**
   * The router as it runs in production, reading both ingress topic kinds, with this guard,
   * counting into {@code metrics}.
   */
  RouterDriver(ModelCatalog catalog, GuardSetting guard, RouterMetrics metrics) {
    this(
        catalog,
        RoutingDefaults.standard(),
        RequestLimits.defaults(),
        ReplyTopics.defaults(Topics.defaults()),
        Ingress.BOTH,
        GuardStage.of(guard),
        JobTracing.OFF,
        metrics);
  }

  private RouterDriver(ModelCatalog catalog, Ingress ingress, GuardStage guard) {
    this(
        catalog,
        RoutingDefaults.standard(),
        RequestLimits.defaults(),
        ReplyTopics.defaults(Topics.defaults()),
        ingress,
        guard,
        JobTracing.OFF);
  }

  private RouterDriver(
      ModelCatalog catalog,
      RoutingDefaults defaults,
      RequestLimits limits,
      ReplyTopics replies,
      Ingress ingress) {
    this(catalog, defaults, limits, replies, ingress, GuardStage.OFF, JobTracing.OFF);
  }

  private RouterDriver(
      ModelCatalog catalog,
      RoutingDefaults defaults,
      RequestLimits limits,
      ReplyTopics replies,
      Ingress ingress,
      GuardStage guard,
      JobTracing tracing) {
    this(catalog, defaults, limits, replies, ingress, guard, tracing, RouterMetrics.noop());
  }

  private RouterDriver(
      ModelCatalog catalog,
      RoutingDefaults defaults,
      RequestLimits limits,
      ReplyTopics replies,
      Ingress ingress,
      GuardStage guard,
      JobTracing tracing,
      RouterMetrics metrics) {
    this(
        catalog,
        defaults,
        limits,
        replies,
        ingress,
        guard,
        tracing,
        metrics,
        ReservationSetting.DEFAULT);
  }

  /** The router as it runs in production, with budget reservations as {@code reservations}. */
  RouterDriver(ModelCatalog catalog, ReservationSetting reservations) {
    this(
        catalog,
        RoutingDefaults.standard(),
        RequestLimits.defaults(),
        ReplyTopics.defaults(Topics.defaults()),
        Ingress.SHARED,
        GuardStage.OFF,
        JobTracing.OFF,
        RouterMetrics.noop(),
        reservations);
  }

  private RouterDriver(
      ModelCatalog catalog,
      RoutingDefaults defaults,
      RequestLimits limits,
      ReplyTopics replies,
      Ingress ingress,
      GuardStage guard,
      JobTracing tracing,
      RouterMetrics metrics,
      ReservationSetting reservations) {
    RoutingPolicy policy =
        new RoutingPolicy(
            catalog, new RequestValidator(limits), defaults, Clock.fixed(NOW, ZoneOffset.UTC));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    RouterTopology.errorHandling(props, topics, limits);
    driver =
        new TopologyTestDriver(
            RouterTopology.build(
                topics,
                policy,
                new RouterTopology.Options(
                    replies,
                    ingress,
                    guard,
                    tracing,
                    metrics,
                    reservations,
                    TeamPartitions.DEFAULT,
                    (topic, result) -> {
                      if (topic != null && !topic.isBlank()) {
                        replyCopies.add(Map.entry(topic, result));
                      }
                    })),
            props,
            NOW);
    avroIn = input(topics.requests());
    jsonIn = input(topics.requestsJson());
    replayIn = input(topics.replays());
    healthIn =
        driver.createInputTopic(
            topics.providerHealth(), new StringSerializer(), new ByteArraySerializer());
    budgetIn =
        driver.createInputTopic(
            topics.budgetStatus(), new StringSerializer(), new ByteArraySerializer());
    templatesIn =
        driver.createInputTopic(
            topics.templates(), new StringSerializer(), new ByteArraySerializer());
    results =
        driver.createOutputTopic(
            topics.results(), new StringDeserializer(), AvroSerde.of(CompletionResult.class));
    dlq =
        driver.createOutputTopic(
            topics.deadLetters(), new StringDeserializer(), AvroSerde.of(DeadLetter.class));
  }

  /** The batch lane of a provider. */
  TestOutputTopic<String, RoutedRequest> route(String provider) {
    return driver.createOutputTopic(topics.route(provider), new StringDeserializer(), routedSerde);
  }

  /** The interactive lane of a provider. */
  TestOutputTopic<String, RoutedRequest> interactive(String provider) {
    return driver.createOutputTopic(
        topics.routeInteractive(provider), new StringDeserializer(), routedSerde);
  }

  /** A team's own Avro ingress topic. */
  TestInputTopic<byte[], byte[]> teamAvroIn(String team) {
    return input(topics.teamRequests(team));
  }

  /** A team's own JSON ingress topic. */
  TestInputTopic<byte[], byte[]> teamJsonIn(String team) {
    return input(topics.teamRequestsJson(team));
  }

  private TestInputTopic<byte[], byte[]> input(String topic) {
    return driver.createInputTopic(
        topic, new ByteArraySerializer(), new ByteArraySerializer(), NOW, java.time.Duration.ZERO);
  }

  /**
   * As {@link #ask}, on {@code team}'s own JSON topic; {@code claimed} is the team the body names,
   * none when null.
   */
  void askOnTeamTopic(String team, String id, String claimed, String model) {
    String body = chat(id, claimed == null ? "" : claimed, model, "");
    if (claimed == null) {
      body = body.replace("\"team\":\"\",", "");
    }
    teamJsonIn(team)
        .pipeInput("k".getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8));
  }

  /** Publishes a JSON ingress request with the given body (an OpenAI chat body with metadata). */
  void json(String body) {
    jsonIn.pipeInput("k".getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A chat request for {@code model} by {@code team} with extra metadata fields (JSON members, may
   * be empty).
   */
  void ask(String id, String team, String model, String metadata) {
    json(chat(id, team, model, metadata));
  }

  /**
   * As {@link #ask}, with the record stamped at {@code at}: the request's time, which decides its
   * budget month.
   */
  void askAt(Instant at, String id, String team, String model) {
    jsonIn.pipeInput(
        "k".getBytes(StandardCharsets.UTF_8),
        chat(id, team, model, "").getBytes(StandardCharsets.UTF_8),
        at);
  }

  private static String chat(String id, String team, String model, String metadata) {
    return "{\"model\":\""
        + model
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],"
        + "\"metadata\":{\"team\":\""
        + team
        + "\",\"request_id\":\""
        + id
        + "\""
        + (metadata.isEmpty() ? "" : "," + metadata)
        + "}}";
  }

  /** The one routed request on any batch or interactive lane of these providers. */
  RoutedRequest routedOn(String lane, String provider) {
    return ("interactive".equals(lane) ? interactive(provider) : route(provider)).readValue();
  }

  void health(String key, CircuitState state, long p50, long p99, Instant at) {
    int slash = key.indexOf('/');
    ProviderHealth h =
        ProviderHealth.newBuilder()
            .setKey(key)
            .setProvider(slash < 0 ? key : key.substring(0, slash))
            .setModel(slash < 0 ? null : key.substring(slash + 1))
            .setCircuitState(state)
            .setLatencyP50Millis(p50)
            .setLatencyP99Millis(p99)
            .setUpdatedAt(at)
            .build();
    healthIn.pipeInput(key, AvroSerde.of(ProviderHealth.class).encode(h));
  }

  void health(ProviderHealth h) {
    healthIn.pipeInput(h.getKey(), AvroSerde.of(ProviderHealth.class).encode(h));
  }

  void budget(String team, long limitMicros, Long softMicros, long spentMicros, Instant updatedAt) {
    Budget b =
        Budget.newBuilder()
            .setTeam(team)
            .setMonthlyLimitMicros(limitMicros)
            .setSoftLimitMicros(softMicros)
            .setSpentThisMonthMicros(spentMicros)
            .setUpdatedAt(updatedAt)
            .build();
    budgetIn.pipeInput(team, AvroSerde.of(Budget.class).encode(b));
  }

  /** Publishes {@code team}'s budget with a token limit (null: none) and this month's tokens. */
  void budget(
      String team,
      long limitMicros,
      Long tokenLimit,
      long spentMicros,
      long tokens,
      Instant updatedAt) {
    Budget b =
        Budget.newBuilder()
            .setTeam(team)
            .setMonthlyLimitMicros(limitMicros)
            .setMonthlyTokenLimit(tokenLimit)
            .setSpentThisMonthMicros(spentMicros)
            .setTokensThisMonth(tokens)
            .setUpdatedAt(updatedAt)
            .build();
    budgetIn.pipeInput(team, AvroSerde.of(Budget.class).encode(b));
  }

  /**
   * Publishes the aggregator's settlement of request {@code id}: {@code team} has spent {@code
   * spentMicros} and used {@code tokens} in {@code month}, that request included.
   */
  void settle(String team, String id, String month, long spentMicros, long tokens) {
    BudgetSettlement s = new BudgetSettlement(team, id, month, spentMicros, tokens, NOW);
    driver
        .createInputTopic(
            topics.budgetSettlements(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput(team, AvroSerde.of(BudgetSettlement.class).encode(s));
  }

  /**
   * Publishes {@code routed} to the budget gate topic as a router from before reservation tickets
   * did: marked RESERVE, keyed by team, without a ticket.
   */
  void reserveWithoutTicket(RoutedRequest routed) {
    driver
        .createInputTopic(topics.budgetGate(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput(
            new TestRecord<>(
                routed.getRequest().getTeam(),
                routedSerde.encode(routed),
                BudgetGateStage.marked(new RecordHeaders(), BudgetGateStage.Kind.RESERVE),
                NOW));
  }

  /** Publishes a worker's terminal result of request {@code id} that cost {@code costMicros}. */
  void result(String id, String team, ResultStatus status, long costMicros) {
    CompletionResult r =
        CompletionResult.newBuilder()
            .setId(id)
            .setTeam(team)
            .setStatus(status)
            .setUsage(new TokenUsage(0L, 0L, 0L, 0L))
            .setCostMicros(costMicros)
            .setCompletedAt(NOW)
            .build();
    driver
        .createInputTopic(topics.results(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput(id, AvroSerde.of(CompletionResult.class).encode(r));
  }

  /** Moves the driver's wall clock on, running the punctuations due. */
  void advanceWallClock(java.time.Duration by) {
    driver.advanceWallClockTime(by);
  }

  /** Publishes a prompt template to the templates topic. */
  void template(PromptTemplate t) {
    templatesIn.pipeInput(
        t.getName() + "@" + t.getVersion(), AvroSerde.of(PromptTemplate.class).encode(t));
  }

  /** Publishes a team's guard policy to the guard-policies topic. */
  void guardPolicy(TeamGuardPolicy policy) {
    rawGuardPolicy(policy.getTeam(), AvroSerde.of(TeamGuardPolicy.class).encode(policy));
  }

  /** Publishes raw bytes as {@code team}'s guard policy; null is a tombstone. */
  void rawGuardPolicy(String team, byte[] value) {
    driver
        .createInputTopic(topics.guardPolicies(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput(team, value);
  }

  void rawBudget(String team, byte[] value) {
    budgetIn.pipeInput(team, value);
  }

  /**
   * Every routed request on both lanes of the given providers, in no particular order across
   * topics.
   */
  List<RoutedRequest> allRouted(String... providers) {
    List<RoutedRequest> all = new java.util.ArrayList<>();
    for (String p : providers) {
      all.addAll(route(p).readValuesToList());
      all.addAll(interactive(p).readValuesToList());
    }
    return all;
  }

  /** Every topic the router has written to so far. */
  Set<String> producedTopicNames() {
    return driver.producedTopicNames();
  }

  @Override
  public void close() {
    driver.close();
  }
}
