package io.promptyard.worker;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.RecordHeaders;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * An operator replays a dead letter onto its provider topic with the {@link RecordHeaders#REPLAY}
 * header, as {@code promptyard dlq replay} does: a failed job runs again and gets a new result; a
 * job that already succeeded is not called or published again. Real broker, real Redis ledger.
 */
@Needs(REDIS)
@ExtendWith(KafkaBrokerExtension.class)
class DeadLetterReplayIT {

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Topics topics = new Topics("replay" + run + ".");
  private final String team = "replay-" + run;
  private final AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
  private final AvroSerde<DeadLetter> deadLetters = AvroSerde.of(DeadLetter.class);
  private WorkerApp worker;
  private RecordCollector collector;

  @AfterEach
  void stopAll() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (collector != null) {
      collector.close();
    }
    try (JedisPooled redis = new JedisPooled("127.0.0.1", 6379)) {
      redis.keys("promptyard:done:" + team + ":*").forEach(redis::del);
    }
  }

  @Test
  void aReplayedFailedJobGetsANewResultAndASecondReplayOfTheSucceededJobCallsNothing(
      EmbeddedKafka kafka) throws Exception {
    // Given a provider that rejects the first call as invalid and answers every later one
    FirstCallRejected provider = new FirstCallRejected();
    worker = worker(kafka, provider);
    collector =
        new RecordCollector(
            kafka.bootstrapServers(), List.of(topics.results(), topics.deadLetters()));
    String id = "job-" + run;
    try (RoutedJobs jobs = new RoutedJobs(kafka.bootstrapServers(), topics, team)) {
      jobs.send(
              id,
              "traceparent",
              "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
              "Authorization",
              "Bearer sk-never-in-a-dead-letter")
          .get();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> collector.records(topics.deadLetters()).size() == 1);
    assertThat(resultsOf(id))
        .extracting(CompletionResult::getStatus)
        .containsExactly(ResultStatus.FAILED);
    DeadLetter letter =
        deadLetters.decode(collector.records(topics.deadLetters()).getFirst().value());
    // the dead letter keeps where the job came from, its key and its headers, but no secret header
    assertThat(letter.getOriginTopic()).isEqualTo(topics.route("sim"));
    assertThat(StandardCharsets.UTF_8.decode(letter.getKey().duplicate()).toString()).isEqualTo(id);
    assertThat(letter.getHeaders())
        .extracting(h -> h.getKey())
        .contains("traceparent")
        .doesNotContain("Authorization");
    assertThat(letter.toString()).doesNotContain("sk-never");

    // When the operator replays the dead letter
    replay(kafka, letter, "dlq-0@0");

    // Then the job runs again and its new result supersedes the failed one
    await().atMost(Duration.ofSeconds(30)).until(() -> resultsOf(id).size() == 2);
    assertThat(resultsOf(id))
        .extracting(CompletionResult::getStatus)
        .containsExactly(ResultStatus.FAILED, ResultStatus.SUCCEEDED);
    assertThat(provider.calls.get()).isEqualTo(2);

    // When the same dead letter is replayed once more
    replay(kafka, letter, "dlq-0@0");

    // Then the worker takes it, makes no provider call and publishes nothing
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                worker
                    .metrics()
                    .scrape()
                    .contains("promptyard_worker_jobs_total{outcome=\"already_done\"} 1.0"));
    assertThat(provider.calls.get()).isEqualTo(2);
    assertThat(resultsOf(id)).hasSize(2);
    assertThat(collector.records(topics.deadLetters())).hasSize(1);
  }

  private List<CompletionResult> resultsOf(String id) {
    return collector.records(topics.results()).stream()
        .filter(r -> id.equals(r.key()))
        .map(ConsumerRecord::value)
        .map(results::decode)
        .toList();
  }

  /** Publishes the dead letter's job back to the topic it came from, marked as a replay. */
  private void replay(EmbeddedKafka kafka, DeadLetter letter, String from) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(
              letter.getOriginTopic(), letter.getRequestId(), letter.getValue().array());
      record.headers().add(RecordHeaders.REPLAY, from.getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
  }

  private WorkerApp worker(EmbeddedKafka kafka, ChatProvider provider) {
    ModelCatalog catalog = ModelCatalog.bundled().restrictTo(p -> p.name().equals("sim"));
    CommonConfig common =
        new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(3, (short) 1));
    JobPolicy policy =
        new JobPolicy(
            3,
            new Backoff(Duration.ofMillis(5), Duration.ofMillis(50)),
            Duration.ofHours(1),
            Duration.ofHours(1));
    WorkerConfig config =
        WorkerConfig.builder(common, catalog, List.of("sim"), topics.prefix() + "workers", policy)
            .consumers(1, 50)
            .redis(Optional.of(URI.create("redis://127.0.0.1:6379")))
            .build();
    return WorkerApp.start(config, spec -> provider);
  }

  /**
   * Rejects its first call as an invalid request (not retryable: a dead letter) and answers the
   * others.
   */
  private static final class FirstCallRejected implements ChatProvider {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "sim";
    }

    @Override
    public ChatResponse complete(ChatRequest request) throws ProviderException {
      if (calls.incrementAndGet() == 1) {
        throw new ProviderException(
            ErrorCode.INVALID_REQUEST,
            false,
            400,
            "sim: invalid request",
            RateLimits.UNKNOWN,
            null);
      }
      return new ChatResponse(
          "an answer",
          List.of(),
          "stop",
          new Usage(10, 3, 0, 0),
          request.model(),
          RateLimits.UNKNOWN);
    }

    @Override
    public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk)
        throws ProviderException {
      return complete(request);
    }
  }
}
