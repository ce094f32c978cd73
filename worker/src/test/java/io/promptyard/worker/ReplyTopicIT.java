package io.promptyard.worker;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.providers.ChatProviders;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.local.Needs;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.worker.idempotency.LedgerEntry;
import io.promptyard.worker.idempotency.RedisResultLedger;
import io.promptyard.worker.idempotency.RequestFingerprint;
import io.promptyard.worker.job.OutcomePublisher;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * A request that names a reply topic gets its terminal result there too; one that names a missing
 * topic still gets it on the results topic; and a copy its worker died before sending is sent by
 * the next (the ledger in the local Redis, under this test's own request id).
 */
@Needs(REDIS)
@ExtendWith(KafkaBrokerExtension.class)
class ReplyTopicIT {

  @Test
  void resultGoesToTheRequestsReplyTopicAsWellAsTheResultsTopic(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("reply" + UUID.randomUUID().toString().substring(0, 8) + ".");
    String replies = topics.prefix() + "replies.search";
    try (var admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(replies, 1, (short) 1))).all().get();
    }
    try (SimulatedProvider sim = SimulatedProvider.start(SimulatorConfig.defaults())) {
      WorkerConfig config = SimWorkers.config(kafka, topics, sim);
      try (WorkerApp worker =
              WorkerApp.start(config, spec -> ChatProviders.create(spec, Map.of()));
          RecordCollector collector =
              new RecordCollector(kafka.bootstrapServers(), List.of(topics.results(), replies))) {
        AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
          producer
              .send(
                  new ProducerRecord<>(
                      topics.route("sim"), "with-reply", serde.encode(job("with-reply", replies))))
              .get();
          producer
              .send(
                  new ProducerRecord<>(
                      topics.route("sim"),
                      "missing-reply",
                      serde.encode(
                          job("missing-reply", topics.prefix() + "replies.no.such.topic"))))
              .get();
          producer
              .send(
                  new ProducerRecord<>(
                      topics.route("sim"), "no-reply", serde.encode(job("no-reply", null))))
              .get();
        }

        // The missing reply topic must not hold its job: all three results arrive well inside the
        // producer's 60 s
        // metadata wait.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    collector.records(topics.results()).stream()
                            .map(r -> r.key())
                            .collect(Collectors.toSet())
                            .containsAll(List.of("with-reply", "missing-reply", "no-reply"))
                        && !collector.records(replies).isEmpty());

        AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
        var onReplies = collector.records(replies);
        assertThat(onReplies).extracting(r -> r.key()).containsExactly("with-reply");
        CompletionResult reply = results.decode(onReplies.getFirst().value());
        assertThat(reply.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        CompletionResult onResults =
            collector.records(topics.results()).stream()
                .filter(r -> r.key().equals("with-reply"))
                .map(r -> results.decode(r.value()))
                .findFirst()
                .orElseThrow();
        assertThat(reply).isEqualTo(onResults);
      }
    }
  }

  @Test
  void
      aReplyCopyLostWithTheWorkerThatDiedBeforeRecordingItsResultIsSentByTheWorkerThatGetsTheJobNext(
          EmbeddedKafka kafka) throws Exception {
    Topics topics = new Topics("replycrash" + UUID.randomUUID().toString().substring(0, 8) + ".");
    String replies = topics.prefix() + "replies.search";
    String id = "crashed-" + UUID.randomUUID();
    RoutedRequest job = job(id, replies);
    try (var admin = kafka.admin()) {
      new TopicProvisioner(2, (short) 1)
          .ensure(admin, List.of(topics.results(), replies, topics.route("sim")));
    }
    AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
    CompletionResult published =
        TerminalResults.unsuccessful(
            job.getRequest(),
            ResultStatus.FAILED,
            new ResultError(ErrorCode.TIMEOUT, "sim timed out", null, true),
            3);
    try (SimulatedProvider sim = SimulatedProvider.start(SimulatorConfig.defaults());
        JedisPooled redis = new JedisPooled("127.0.0.1", 6379);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      // Given what a worker leaves when it dies after publishing a result and before its reply copy
      // and its done
      // entry: the publishing entry (written longer ago than the producer's delivery timeout), the
      // result on the results topic, and the job's record,
      // which the broker delivers again
      int partition =
          producer
              .send(new ProducerRecord<>(topics.results(), id, results.encode(published)))
              .get()
              .partition();
      try (RedisResultLedger ledger = new RedisResultLedger(redis)) {
        ledger.markPublishing(
            "replies",
            id,
            new LedgerEntry.Publishing(
                partition,
                System.currentTimeMillis()
                    - OutcomePublisher.PUBLISHING_GRACE.plusMinutes(1).toMillis(),
                RequestFingerprint.of(job.getRequest())),
            Duration.ofMinutes(10));
      }
      producer
          .send(
              new ProducerRecord<>(
                  topics.route("sim"), id, AvroSerde.of(RoutedRequest.class).encode(job)))
          .get();

      // When the next worker gets the job
      WorkerConfig config =
          SimWorkers.withRedis(
              SimWorkers.config(kafka, topics, sim), URI.create("redis://127.0.0.1:6379"));
      try (WorkerApp worker =
              WorkerApp.start(config, spec -> ChatProviders.create(spec, Map.of()));
          RecordCollector collector =
              new RecordCollector(kafka.bootstrapServers(), List.of(topics.results(), replies));
          RedisResultLedger ledger = new RedisResultLedger(redis)) {

        // Then it sends the reply copy of the published result, without calling the provider or
        // publishing again, and records the result done once the copy is safe
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    !collector.records(replies).isEmpty()
                        && ledger.status("replies", id).isPresent());
        assertThat(collector.records(replies))
            .extracting(r -> results.decode(r.value()))
            .containsExactly(published);
        assertThat(ledger.status("replies", id)).contains("FAILED");
        assertThat(collector.records(topics.results())).hasSize(1);
        assertThat(sim.requestsServed()).isZero();
      } finally {
        redis.del(RedisResultLedger.key("replies", id));
      }
    }
  }

  private static RoutedRequest job(String id, String replyTopic) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam("replies")
            .setModel("sim-mini")
            .setReplyTopic(replyTopic)
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
