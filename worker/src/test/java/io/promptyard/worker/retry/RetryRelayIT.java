package io.promptyard.worker.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.topics.RecordHeaders;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.worker.RecordCollector;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class RetryRelayIT {

  private static final List<String> PROVIDERS = List.of("openai", "anthropic");

  private final EmbeddedKafka kafka;
  private Topics topics;
  private String group;
  private KafkaProducer<String, byte[]> producer;
  private RecordCollector routed;
  private final List<RetryRelay> relays = new java.util.ArrayList<>();

  RetryRelayIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  @BeforeEach
  void topicsAndClients() {
    topics = new Topics("t" + UUID.randomUUID().toString().substring(0, 8) + ".");
    group = topics.prefix() + "worker-retry";
    try (Admin admin = kafka.admin()) {
      List<String> names = new java.util.ArrayList<>();
      PROVIDERS.forEach(p -> names.addAll(List.of(topics.route(p), topics.retry(p))));
      new TopicProvisioner(3, (short) 1).ensure(admin, names);
    }
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    routed =
        new RecordCollector(
            kafka.bootstrapServers(), PROVIDERS.stream().map(topics::route).toList());
  }

  @AfterEach
  void close() throws InterruptedException {
    relays.forEach(RetryRelay::close);
    routed.close();
    producer.close();
  }

  @Test
  void deferredJobReachesItsProviderTopicAtItsDueTimeAndNotBefore() throws Exception {
    long due = System.currentTimeMillis() + 2_000;
    park("openai", "job-1", 0, due, Map.of("trace", "abc"));

    startRelay();

    await()
        .during(Duration.ofMillis(1_500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> routed.records().isEmpty() || routed.records().getFirst().timestamp() >= due);
    await().atMost(Duration.ofSeconds(10)).until(() -> routed.records().size() == 1);
    ConsumerRecord<String, byte[]> back = routed.records().getFirst();
    assertThat(back.topic()).isEqualTo(topics.route("openai"));
    assertThat(back.key()).isEqualTo("job-1");
    assertThat(new String(back.value(), StandardCharsets.UTF_8)).isEqualTo("job-1");
    assertThat(back.timestamp()).isGreaterThanOrEqualTo(due);
    assertThat(back.headers().lastHeader(RecordHeaders.DUE_AT)).isNull();
    assertThat(new String(back.headers().lastHeader("trace").value(), StandardCharsets.UTF_8))
        .isEqualTo("abc");
  }

  @Test
  void jobsWithDifferentDueTimesOnSeveralPartitionsAllArriveNoneEarly() throws Exception {
    long now = System.currentTimeMillis();
    Map<String, Long> dues = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      String provider = PROVIDERS.get(i % 2);
      long due = now + 500 + (i * 37L % 3_000);
      dues.put("job-" + i, due);
      park(provider, "job-" + i, i % 3, due, Map.of());
    }
    park("openai", "no-header", 1, null, Map.of());

    startRelay();

    await().atMost(Duration.ofSeconds(20)).until(() -> routed.records().size() >= dues.size() + 1);
    List<ConsumerRecord<String, byte[]>> arrived = routed.records();
    assertThat(arrived)
        .extracting(ConsumerRecord::key)
        .containsAll(dues.keySet())
        .contains("no-header");
    for (ConsumerRecord<String, byte[]> r : arrived) {
      if (dues.containsKey(r.key())) {
        assertThat(r.timestamp())
            .as("arrival of %s", r.key())
            .isGreaterThanOrEqualTo(dues.get(r.key()));
        assertThat(r.topic())
            .isEqualTo(topics.route(PROVIDERS.get(Integer.parseInt(r.key().substring(4)) % 2)));
      }
    }
  }

  @Test
  void relayRestartedWhileWaitingLosesNothing() throws Exception {
    long due = System.currentTimeMillis() + 4_000;
    for (int i = 0; i < 9; i++) {
      park(PROVIDERS.get(i % 2), "job-" + i, i % 3, due, Map.of());
    }
    RetryRelay first = startRelay();
    await().atMost(Duration.ofSeconds(10)).until(() -> first.waiting() == 9);

    first.close();
    startRelay();

    await().atMost(Duration.ofSeconds(20)).until(() -> routed.records().size() >= 9);
    assertThat(routed.records())
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder(
            "job-0", "job-1", "job-2", "job-3", "job-4", "job-5", "job-6", "job-7", "job-8");
    assertThat(routed.records())
        .allSatisfy(r -> assertThat(r.timestamp()).isGreaterThanOrEqualTo(due));
  }

  private RetryRelay startRelay() {
    RetryRelay relay =
        new RetryRelay(
            KafkaClientProperties.bootstrapOnly(kafka.bootstrapServers()),
            group,
            topics,
            PROVIDERS,
            producer,
            Clock.systemUTC());
    relays.add(relay);
    Thread.ofPlatform().name("relay").start(relay);
    return relay;
  }

  private void park(
      String provider, String key, int partition, Long dueAt, Map<String, String> extraHeaders)
      throws Exception {
    ProducerRecord<String, byte[]> r =
        new ProducerRecord<>(
            topics.retry(provider), partition, key, key.getBytes(StandardCharsets.UTF_8));
    if (dueAt != null) {
      r.headers().add(RecordHeaders.DUE_AT, Long.toString(dueAt).getBytes(StandardCharsets.UTF_8));
    }
    extraHeaders.forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
    producer.send(r).get();
  }
}
