package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.providers.ChatProviders;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record on a provider topic that is not a routed job becomes a dead letter, and the jobs around
 * it flow on; a job the router wrote in a transaction it then aborted is never run.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoisonRecordIT {

  @Test
  void undecodableRecordIsDeadLetteredWithItsBytesAndTheJobsAroundItAreAnswered(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("poison" + UUID.randomUUID().toString().substring(0, 8) + ".");
    byte[] poison = {0x00, 0x13, 0x37, (byte) 0xff, 0x42};
    try (SimulatedProvider sim = SimulatedProvider.start(SimulatorConfig.defaults())) {
      WorkerConfig config = SimWorkers.config(kafka, topics, sim);
      try (WorkerApp worker =
              WorkerApp.start(config, spec -> ChatProviders.create(spec, Map.of()));
          RecordCollector collector =
              new RecordCollector(
                  kafka.bootstrapServers(), List.of(topics.results(), topics.deadLetters()))) {
        List<String> ids = new ArrayList<>();
        AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
          for (int i = 0; i < 20; i++) {
            if (i == 10) {
              producer.send(new ProducerRecord<>(topics.route("sim"), "poison", poison)).get();
            }
            String id = "job-" + i;
            producer
                .send(new ProducerRecord<>(topics.route("sim"), id, serde.encode(job(id))))
                .get();
            ids.add(id);
          }
        }

        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    collector.records(topics.results()).stream()
                            .map(r -> r.key())
                            .collect(Collectors.toSet())
                            .containsAll(ids)
                        && collector.records(topics.deadLetters()).size() == 1);

        DeadLetter letter =
            AvroSerde.of(DeadLetter.class)
                .decode(collector.records(topics.deadLetters()).getFirst().value());
        assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.UNDECODABLE);
        assertThat(letter.getOriginTopic()).isEqualTo(topics.route("sim"));
        assertThat(letter.getValue().array()).isEqualTo(poison);
        assertThat(letter.getRequestId()).isEqualTo("poison");
        Set<String> answered =
            collector.records(topics.results()).stream()
                .map(r -> r.key())
                .collect(Collectors.toSet());
        assertThat(answered).containsExactlyInAnyOrderElementsOf(ids);
      }
    }
  }

  @Test
  void jobsOfAnAbortedTransactionAreNeverRunWhileCommittedJobsAre(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("aborted" + UUID.randomUUID().toString().substring(0, 8) + ".");
    AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);
    try (SimulatedProvider sim = SimulatedProvider.start(SimulatorConfig.defaults());
        WorkerApp worker =
            WorkerApp.start(
                SimWorkers.config(kafka, topics, sim),
                spec -> ChatProviders.create(spec, Map.of()));
        RecordCollector results =
            new RecordCollector(kafka.bootstrapServers(), List.of(topics.results()));
        KafkaProducer<String, byte[]> router =
            new KafkaProducer<>(
                Map.of(
                    "bootstrap.servers",
                    kafka.bootstrapServers(),
                    "transactional.id",
                    topics.prefix() + "router"),
                new StringSerializer(),
                new ByteArraySerializer());
        KafkaProducer<String, byte[]> plain =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      router.initTransactions();
      router.beginTransaction();
      for (int i = 0; i < 5; i++) {
        router.send(
            new ProducerRecord<>(
                topics.route("sim"), 0, "aborted-" + i, serde.encode(job("aborted-" + i))));
      }
      router.flush();
      // While the transaction is open (on partition 0) and again after it is aborted, committed
      // jobs are answered:
      // a worker reading uncommitted records would have run the aborted ones by then.
      plain
          .send(
              new ProducerRecord<>(
                  topics.route("sim"), 1, "committed-1", serde.encode(job("committed-1"))))
          .get();
      await().atMost(Duration.ofSeconds(60)).until(() -> keys(results).contains("committed-1"));
      router.abortTransaction();
      plain
          .send(
              new ProducerRecord<>(
                  topics.route("sim"), 0, "committed-2", serde.encode(job("committed-2"))))
          .get();
      await().atMost(Duration.ofSeconds(60)).until(() -> keys(results).contains("committed-2"));

      assertThat(keys(results)).containsExactlyInAnyOrder("committed-1", "committed-2");
      assertThat(sim.requestsServed()).isEqualTo(2);
    }
  }

  private static Set<String> keys(RecordCollector collector) {
    return collector.records().stream().map(r -> r.key()).collect(Collectors.toSet());
  }

  private static RoutedRequest job(String id) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam("poison")
            .setModel("sim-mini")
            .setMessages(
                List.of(Message.newBuilder().setRole(Role.USER).setText("Question " + id).build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setEstimatedInputTokens(10)
            .setReason("test")
            .setRoutedAt(Instant.now())
            .build();
    return new RoutedRequest(request, decision, List.of());
  }
}
