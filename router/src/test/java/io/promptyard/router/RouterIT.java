package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.router.templates.TopicTemplates;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.TemplateMessage;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.ingress.RequestLimits;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.hostile.HostileAvro;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.kafka.TopicContents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The router service on the in-process broker: with health and budgets published before it starts,
 * and against records that no single stream thread may die of.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RouterIT {

  /**
   * The last minute of a month: the requests, the health report and the budget all carry this time.
   */
  private static final Instant AT = Instant.parse("2027-04-30T23:59:30Z");

  @Test
  void routesByLaneSkipsOpenCircuitsRefusesTeamsOverBudgetAndDeadLettersGarbage(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("r" + UUID.randomUUID().toString().substring(0, 8) + ".");
    TopicProvisioner provisioner = new TopicProvisioner(2, (short) 1);
    try (Admin admin = kafka.admin()) {
      provisioner.ensureCompacted(admin, List.of(topics.providerHealth(), topics.budgetStatus()));
    }
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              topics.providerHealth(),
              "gamma",
              AvroSerde.of(ProviderHealth.class)
                  .encode(
                      ProviderHealth.newBuilder()
                          .setKey("gamma")
                          .setProvider("gamma")
                          .setCircuitState(CircuitState.OPEN)
                          .setUpdatedAt(AT)
                          .build())));
      producer.send(
          new ProducerRecord<>(
              topics.budgetStatus(),
              "broke",
              AvroSerde.of(Budget.class)
                  .encode(
                      Budget.newBuilder()
                          .setTeam("broke")
                          .setMonthlyLimitMicros(10_000_000)
                          .setSpentThisMonthMicros(12_500_000)
                          .setUpdatedAt(AT)
                          .build())));
      producer.flush();

      RouterConfig config =
          new RouterConfig(
              new CommonConfig(kafka.bootstrapServers(), topics, provisioner),
              TestCatalog.catalog(),
              topics.prefix() + "router",
              RoutingDefaults.standard());
      try (RouterApp router = RouterApp.start(config)) {
        send(producer, topics.requestsJson(), request("batch-1", "team-a", "batch"));
        send(producer, topics.requestsJson(), request("live-1", "team-a", "interactive"));
        send(producer, topics.requestsJson(), request("over-1", "broke", "batch"));
        producer.send(new ProducerRecord<>(topics.requests(), "junk", new byte[] {9, 9, 9})).get();

        List<String> watched =
            List.of(
                topics.route("alpha"),
                topics.routeInteractive("alpha"),
                topics.results(),
                topics.deadLetters());
        List<ConsumerRecord<String, byte[]>> seen = readUntil(kafka, watched, 4);

        RoutedRequest batch = routed(seen, topics.route("alpha"));
        assertThat(batch.getRequest().getId()).isEqualTo("batch-1");
        assertThat(batch.getDecision().getModel()).isEqualTo("a-mini");
        assertThat(batch.getDecision().getFallbackChain())
            .containsExactly(new ModelRef("beta", "b-mini"), new ModelRef("gamma", "g-mini"));
        assertThat(routed(seen, topics.routeInteractive("alpha")).getRequest().getId())
            .isEqualTo("live-1");
        CompletionResult over =
            AvroSerde.of(CompletionResult.class).decode(only(seen, topics.results()).value());
        assertThat(over.getId()).isEqualTo("over-1");
        assertThat(over.getError().getCode()).isEqualTo(ErrorCode.OVER_BUDGET);
        assertThat(over.getError().getMessage())
            .contains("has spent $12.50 of its monthly limit of $10.00");
        DeadLetter letter =
            AvroSerde.of(DeadLetter.class).decode(only(seen, topics.deadLetters()).value());
        assertThat(letter.getValue().array()).containsExactly(9, 9, 9);
        try (Admin admin = kafka.admin()) {
          assertThat(admin.listTopics().names().get())
              .as("both lanes of every enabled provider")
              .contains(
                  topics.route("alpha"),
                  topics.routeInteractive("alpha"),
                  topics.route("beta"),
                  topics.routeInteractive("beta"),
                  topics.route("gamma"),
                  topics.routeInteractive("gamma"));
        }
      }
    }
  }

  @Test
  void
      hostileBytesAThrowingRequestAndAnUnpublishableOneAreDeadLetteredAndTheSameThreadRoutesTheNext(
          EmbeddedKafka kafka) throws Exception {
    Topics topics = new Topics("h" + UUID.randomUUID().toString().substring(0, 8) + ".");
    TopicProvisioner provisioner = new TopicProvisioner(1, (short) 1);
    // a price high enough that max_tokens 1,000,000 overflows the cost estimate: RoutingPolicy
    // throws
    ModelCatalog catalog =
        new ModelCatalog(
            TestCatalog.catalog().providers(),
            List.of(
                TestCatalog.model(
                    "alpha",
                    "a-mini",
                    List.of("cheap"),
                    16_000,
                    4_000,
                    Set.of(Capability.STREAMING),
                    "0.10",
                    "0.40"),
                TestCatalog.model(
                    "alpha",
                    "a-gold",
                    List.of(),
                    16_000,
                    4_000,
                    Set.of(Capability.STREAMING),
                    "0.10",
                    "10000000")));
    RouterConfig config =
        new RouterConfig(
                new CommonConfig(kafka.bootstrapServers(), topics, provisioner),
                catalog,
                topics.prefix() + "router",
                RoutingDefaults.standard())
            // The wide template must fail on its size, not its render time: on a CI machine running
            // other test JVMs beside this one, 1,100 loops once took longer than the default 500
            // ms.
            .withLimits(
                RequestLimits.from(
                    new Settings(Map.of(RequestLimits.TEMPLATE_TIMEOUT_MS.name(), "30000"))));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      // a template whose message renders to 1.1 MB: the routed request is larger than the producer
      // may send, which under exactly-once would fail the transaction (and every retry of it) had
      // the router sent it
      try (Admin admin = kafka.admin()) {
        // the global stores' topics, ready before the router starts (a global store refuses a topic
        // without leaders)
        TopicTemplates.provision(admin, provisioner, topics);
        provisioner.ensureCompacted(admin, List.of(topics.providerHealth(), topics.budgetStatus()));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    admin
                        .describeTopics(List.of(topics.providerHealth(), topics.budgetStatus()))
                        .allTopicNames()
                        .get()
                        .values()
                        .stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null)));
      }
      producer
          .send(
              new ProducerRecord<>(
                  topics.templates(),
                  "wide@1",
                  AvroSerde.of(PromptTemplate.class)
                      .encode(
                          new PromptTemplate(
                              "wide",
                              "1",
                              null,
                              List.of(
                                  new TemplateMessage(
                                      Role.USER,
                                      "{% for i in range(0, 1100) %}{{ x }}{% endfor %}")),
                              null))))
          .get();
      try (RouterApp router = RouterApp.start(config)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    router.state() == KafkaStreams.State.RUNNING
                        && !router.streamThreadNames().isEmpty());
        Set<String> threads = router.streamThreadNames();

        producer
            .send(
                new ProducerRecord<>(
                    topics.requests(), "hostile-1", HostileAvro.messagesClaiming(1L << 30)))
            .get();
        send(
            producer,
            topics.requestsJson(),
            ("{\"model\":\"alpha/a-gold\",\"max_tokens\":1000000,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}],\"metadata\":{\"team\":\"team-a\",\"request_id\":\"gold-1\"}}")
                .getBytes(StandardCharsets.UTF_8));
        send(
            producer,
            topics.requestsJson(),
            ("{\"model\":\"cheap\",\"metadata\":{\"team\":\"team-a\",\"request_id\":\"wide-1\","
                    + "\"template\":{\"name\":\"wide\",\"variables\":{\"x\":\""
                    + "y".repeat(1_000)
                    + "\"}}}}")
                .getBytes(StandardCharsets.UTF_8));
        send(producer, topics.requestsJson(), request("after-1", "team-a", "batch"));

        List<ConsumerRecord<String, byte[]>> seen =
            readUntil(kafka, List.of(topics.deadLetters(), topics.route("alpha")), 4);

        Map<String, DeadLetter> letters =
            seen.stream()
                .filter(r -> r.topic().equals(topics.deadLetters()))
                .map(r -> AvroSerde.of(DeadLetter.class).decode(r.value()))
                .collect(
                    Collectors.toMap(
                        l ->
                            StandardCharsets.UTF_8
                                    .decode(l.getValue().duplicate())
                                    .toString()
                                    .contains("wide-1")
                                ? "wide"
                                : l.getOriginTopic().equals(topics.requests()) ? "hostile" : "gold",
                        l -> l));
        assertThat(letters).containsOnlyKeys("hostile", "gold", "wide");
        assertThat(letters.get("hostile").getErrorCode()).isEqualTo(ErrorCode.UNDECODABLE);
        assertThat(letters.get("hostile").getErrorMessage())
            .contains("Collection length 1073741824 exceeds");
        assertThat(letters.get("gold").getErrorCode()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(letters.get("gold").getErrorMessage())
            .contains("java.lang.ArithmeticException: long overflow");
        assertThat(letters.get("wide").getErrorCode()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(letters.get("wide").getErrorMessage())
            .contains("could not serialize the value for " + topics.route("alpha"))
            .contains("RecordTooLargeException");
        assertThat(routed(seen, topics.route("alpha")).getRequest().getId()).isEqualTo("after-1");
        assertThat(router.streamThreadNames())
            .as("no stream thread died and was replaced")
            .isEqualTo(threads);
        assertThat(router.state()).isEqualTo(KafkaStreams.State.RUNNING);
      }
    }
  }

  @Test
  void aRouterWhoseRequestTopicDisappearsGoesToErrorAndReportsTheFailureItsProcessExitsOn(
      EmbeddedKafka kafka) throws Exception {
    Topics topics = new Topics("f" + UUID.randomUUID().toString().substring(0, 8) + ".");
    RouterConfig config =
        new RouterConfig(
            new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(1, (short) 1)),
            TestCatalog.catalog(),
            topics.prefix() + "router",
            RoutingDefaults.standard());
    String token = "metrics-token-" + UUID.randomUUID();
    RouterHttp http =
        RouterHttp.from(
            new Settings(Map.of(RouterHttp.PORT.name(), "0", RouterHttp.TOKEN.name(), token)));
    try (RouterApp router = RouterApp.start(config, http);
        Admin admin = kafka.admin()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> router.state() == KafkaStreams.State.RUNNING);
      URI base = URI.create("http://localhost:" + router.httpAddress().orElseThrow().getPort());
      assertThat(get(base.resolve("/health"), null))
          .isEqualTo("200 {\"status\":\"UP\",\"state\":\"RUNNING\"}");
      assertThat(get(base.resolve("/metrics"), null)).as("no token").startsWith("401 ");
      assertThat(get(base.resolve("/metrics"), token))
          .startsWith("200 ")
          .contains(
              "kafka_stream_thread_process_total",
              "jvm_memory_used_bytes",
              "jvm_gc_",
              "jvm_threads_live_threads",
              "process_cpu_usage");

      admin.deleteTopics(List.of(topics.requests())).all().get(30, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(60)).until(() -> router.failure().failure().isPresent());
      assertThat(router.failure().failure().get())
          .hasMessageStartingWith("router: ")
          .hasMessageEndingWith("the service stops so that its supervisor restarts it");
      assertThat(get(base.resolve("/health"), null)).startsWith("503 {\"status\":\"DOWN\"");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> router.state() == KafkaStreams.State.ERROR);
    }
  }

  /** The status code and body of a GET, with the bearer token when there is one. */
  private static String get(URI uri, String token) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri);
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    }
  }

  @Test
  void aTeamTopicCreatedAfterTheRouterStartedIsReadAndItsRequestsAreThatTeams(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("t" + UUID.randomUUID().toString().substring(0, 8) + ".");
    TopicProvisioner provisioner = new TopicProvisioner(1, (short) 1);
    try (Admin admin = kafka.admin()) {
      provisioner.ensure(admin, List.of(topics.teamRequestsJson("first")));
    }
    // A short metadata refresh, so that the new team's topic is found in a second, not in 30.
    RouterConfig config =
        new RouterConfig(
                new CommonConfig(
                    kafka.bootstrapServers(),
                    topics,
                    provisioner,
                    new KafkaClientProperties(Map.of("metadata.max.age.ms", "500"))),
                TestCatalog.catalog(),
                topics.prefix() + "router",
                RoutingDefaults.standard())
            .withIngress(Ingress.TEAMS);
    try (RouterApp router = RouterApp.start(config);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      send(producer, topics.teamRequestsJson("first"), teamless("first-1"));
      awaitRouted(kafka, topics, "first-1 first");

      try (Admin admin = kafka.admin()) {
        provisioner.ensure(admin, List.of(topics.teamRequestsJson("late")));
      }
      send(producer, topics.teamRequestsJson("late"), teamless("late-1"));

      awaitRouted(kafka, topics, "first-1 first", "late-1 late");
      try (Admin admin = kafka.admin()) {
        assertThat(admin.listTopics().names().get())
            .as("a router reading only team topics does not create the shared ones")
            .doesNotContain(topics.requests(), topics.requestsJson());
      }
    }
  }

  /**
   * Waits until gamma's batch lane (the cheapest, with no health reports) holds exactly these
   * requests, as "id team".
   */
  private static void awaitRouted(EmbeddedKafka kafka, Topics topics, String... idAndTeam) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        TopicContents.readAllWithStringKeys(
                            kafka.bootstrapServers(), topics.route("gamma")))
                    .extracting(
                        r -> AvroSerde.of(RoutedRequest.class).decode(r.value()).getRequest())
                    .extracting(r -> r.getId() + " " + r.getTeam())
                    .containsExactly(idAndTeam));
  }

  /** A JSON request naming no team: on a team's topic it is that team's. */
  private static byte[] teamless(String id) {
    return ("{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
            + "\"metadata\":{\"request_id\":\""
            + id
            + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] request(String id, String team, String priority) {
    return ("{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"metadata\":{\"team\":\""
            + team
            + "\",\"request_id\":\""
            + id
            + "\",\"priority\":\""
            + priority
            + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, byte[] value)
      throws Exception {
    producer.send(new ProducerRecord<>(topic, null, AT.toEpochMilli(), null, value)).get();
  }

  private static List<ConsumerRecord<String, byte[]>> readUntil(
      EmbeddedKafka kafka, List<String> topics, int count) {
    List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(topics);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size() >= count;
              });
    }
    return seen;
  }

  private static ConsumerRecord<String, byte[]> only(
      List<ConsumerRecord<String, byte[]>> seen, String topic) {
    List<ConsumerRecord<String, byte[]>> on =
        seen.stream().filter(r -> r.topic().equals(topic)).toList();
    assertThat(on).as("records on %s", topic).hasSize(1);
    return on.getFirst();
  }

  private static RoutedRequest routed(List<ConsumerRecord<String, byte[]>> seen, String topic) {
    return AvroSerde.of(RoutedRequest.class).decode(only(seen, topic).value());
  }
}
