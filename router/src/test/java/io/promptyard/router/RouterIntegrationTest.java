package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

/** The router service on the in-process broker, with health and budgets published before it starts. */
@ExtendWith(KafkaBrokerExtension.class)
class RouterIntegrationTest {

  @Test
  void routesByLaneSkipsOpenCircuitsRefusesTeamsOverBudgetAndDeadLettersGarbage(EmbeddedKafka kafka) throws Exception {
    Topics topics = new Topics("r" + UUID.randomUUID().toString().substring(0, 8) + ".");
    TopicProvisioner provisioner = new TopicProvisioner(2, (short) 1);
    try (Admin admin = kafka.admin()) {
      provisioner.ensureCompacted(admin, List.of(topics.providerHealth(), topics.budgetStatus()));
    }
    Instant now = Instant.now();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topics.providerHealth(), "gamma", AvroSerde.of(ProviderHealth.class).encode(
          ProviderHealth.newBuilder().setKey("gamma").setProvider("gamma").setCircuitState(CircuitState.OPEN).setUpdatedAt(now).build())));
      producer.send(new ProducerRecord<>(topics.budgetStatus(), "broke", AvroSerde.of(Budget.class).encode(
          Budget.newBuilder().setTeam("broke").setMonthlyLimitMicros(10_000_000).setSpentThisMonthMicros(12_500_000)
              .setUpdatedAt(now).build())));
      producer.flush();

      RouterConfig config = new RouterConfig(new CommonConfig(kafka.bootstrapServers(), topics, provisioner), TestCatalog.catalog(),
          topics.prefix() + "router", RoutingDefaults.standard());
      try (RouterApp router = RouterApp.start(config)) {
        send(producer, topics.requestsJson(), request("batch-1", "team-a", "batch"));
        send(producer, topics.requestsJson(), request("live-1", "team-a", "interactive"));
        send(producer, topics.requestsJson(), request("over-1", "broke", "batch"));
        producer.send(new ProducerRecord<>(topics.requests(), "junk", new byte[] {9, 9, 9})).get();

        List<String> watched = List.of(topics.route("alpha"), topics.routeInteractive("alpha"), topics.results(), topics.deadLetters());
        List<ConsumerRecord<String, byte[]>> seen = readUntil(kafka, watched, 4);

        RoutedRequest batch = routed(seen, topics.route("alpha"));
        assertThat(batch.getRequest().getId()).isEqualTo("batch-1");
        assertThat(batch.getDecision().getModel()).isEqualTo("a-mini");
        assertThat(batch.getDecision().getFallbackChain()).containsExactly(new ModelRef("beta", "b-mini"), new ModelRef("gamma", "g-mini"));
        assertThat(routed(seen, topics.routeInteractive("alpha")).getRequest().getId()).isEqualTo("live-1");
        CompletionResult over = AvroSerde.of(CompletionResult.class).decode(only(seen, topics.results()).value());
        assertThat(over.getId()).isEqualTo("over-1");
        assertThat(over.getError().getCode()).isEqualTo(ErrorCode.OVER_BUDGET);
        assertThat(over.getError().getMessage()).contains("has spent $12.50 of its monthly limit of $10.00");
        DeadLetter letter = AvroSerde.of(DeadLetter.class).decode(only(seen, topics.deadLetters()).value());
        assertThat(letter.getValue().array()).containsExactly(9, 9, 9);
        try (Admin admin = kafka.admin()) {
          assertThat(admin.listTopics().names().get()).as("both lanes of every enabled provider")
              .contains(topics.route("alpha"), topics.routeInteractive("alpha"), topics.route("beta"),
                  topics.routeInteractive("beta"), topics.route("gamma"), topics.routeInteractive("gamma"));
        }
      }
    }
  }

  @Test
  void aRouterWhoseRequestTopicDisappearsGoesToErrorAndReportsTheFailureItsProcessExitsOn(EmbeddedKafka kafka) throws Exception {
    Topics topics = new Topics("f" + UUID.randomUUID().toString().substring(0, 8) + ".");
    RouterConfig config = new RouterConfig(new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(1, (short) 1)),
        TestCatalog.catalog(), topics.prefix() + "router", RoutingDefaults.standard());
    try (RouterApp router = RouterApp.start(config); Admin admin = kafka.admin()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> router.state() == KafkaStreams.State.RUNNING);

      admin.deleteTopics(List.of(topics.requests())).all().get(30, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(60)).until(() -> router.failure().failure().isPresent());
      assertThat(router.failure().failure().get())
          .hasMessageStartingWith("router: ")
          .hasMessageEndingWith("the service stops so that its supervisor restarts it");
      await().atMost(Duration.ofSeconds(30)).until(() -> router.state() == KafkaStreams.State.ERROR);
    }
  }

  private static byte[] request(String id, String team, String priority) {
    return ("{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"metadata\":{\"team\":\"" + team
        + "\",\"request_id\":\"" + id + "\",\"priority\":\"" + priority + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, null, value)).get();
  }

  private static List<ConsumerRecord<String, byte[]>> readUntil(EmbeddedKafka kafka, List<String> topics, int count) {
    List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(topics);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return seen.size() >= count;
      });
    }
    return seen;
  }

  private static ConsumerRecord<String, byte[]> only(List<ConsumerRecord<String, byte[]>> seen, String topic) {
    List<ConsumerRecord<String, byte[]>> on = seen.stream().filter(r -> r.topic().equals(topic)).toList();
    assertThat(on).as("records on %s", topic).hasSize(1);
    return on.getFirst();
  }

  private static RoutedRequest routed(List<ConsumerRecord<String, byte[]>> seen, String topic) {
    return AvroSerde.of(RoutedRequest.class).decode(only(seen, topic).value());
  }
}
