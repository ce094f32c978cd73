package io.promptyard.worker.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reading back the results partition a dead worker was publishing to, on the in-process broker. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaPublishedResultsIT {

  private final String topic =
      "readback" + UUID.randomUUID().toString().substring(0, 8) + ".results";

  @Test
  void findsTheResultPublishedAfterThePublishingEntryAndOnlyForItsTeam(EmbeddedKafka kafka)
      throws Exception {
    try (Admin admin = kafka.admin()) {
      new TopicProvisioner(2, (short) 1).ensure(admin, List.of(topic));
    }
    long since = System.currentTimeMillis();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < 50; i++) {
        producer.send(
            new ProducerRecord<>(
                topic, 1, "other-" + i, result("other-" + i, "team-a", ResultStatus.SUCCEEDED)));
      }
      producer
          .send(
              new ProducerRecord<>(
                  topic, 1, "req-1", result("req-1", "team-a", ResultStatus.FAILED)))
          .get();
    }

    try (KafkaPublishedResults results =
        new KafkaPublishedResults(
            KafkaClientProperties.bootstrapOnly(kafka.bootstrapServers()), topic)) {
      assertThat(results.find("team-a", "req-1", new LedgerEntry.Publishing(1, since)))
          .hasValueSatisfying(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.FAILED));
      assertThat(results.find("team-b", "req-1", new LedgerEntry.Publishing(1, since))).isEmpty();
      assertThat(results.find("team-a", "req-2", new LedgerEntry.Publishing(1, since))).isEmpty();
      assertThat(results.find("team-a", "req-1", new LedgerEntry.Publishing(0, since))).isEmpty();
      assertThat(
              results.find(
                  "team-a",
                  "req-1",
                  new LedgerEntry.Publishing(1, System.currentTimeMillis() + 60_000)))
          .isEmpty();
    }
  }

  private static byte[] result(String id, String team, ResultStatus status) {
    return AvroSerde.of(CompletionResult.class)
        .encode(
            CompletionResult.newBuilder()
                .setId(id)
                .setTeam(team)
                .setStatus(status)
                .setUsage(new TokenUsage(0L, 0L, 0L, 0L))
                .setCompletedAt(Instant.now())
                .build());
  }
}
