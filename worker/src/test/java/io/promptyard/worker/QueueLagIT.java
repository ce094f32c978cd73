package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.worker.health.BreakerSettings;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import io.promptyard.worker.metrics.QueueLag;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The records waiting on each consumed topic, as /metrics shows them while a backlog builds and
 * drains.
 */
@ExtendWith(KafkaBrokerExtension.class)
class QueueLagIT {

  private static final int JOBS = 30;

  private final Topics topics =
      new Topics("lag" + UUID.randomUUID().toString().substring(0, 8) + ".");
  private final HeldProvider provider = HeldProvider.holdingAll("an answer");
  private WorkerApp worker;

  @AfterEach
  void stopAll() {
    provider.release();
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void metricsShowTheJobsWaitingOnEachLaneAndZeroOnceTheyAreDone(EmbeddedKafka kafka)
      throws Exception {
    // Given a worker that takes 5 jobs at a time and a provider that holds its answers
    worker = worker(kafka);
    String batchLane = "promptyard_worker_queue_lag{topic=\"" + topics.route("sim") + "\"}";
    String interactiveLane =
        "promptyard_worker_queue_lag{topic=\"" + topics.routeInteractive("sim") + "\"}";

    // When 30 jobs arrive on the batch lane
    try (RoutedJobs jobs = new RoutedJobs(kafka.bootstrapServers(), topics, "lag")) {
      for (int i = 0; i < JOBS; i++) {
        jobs.send("lag-" + i);
      }
      jobs.flush();
    }

    // Then all 30 are shown waiting (5 taken and unanswered, 25 not yet taken), and none on the
    // interactive lane
    await().atMost(Duration.ofSeconds(30)).until(() -> gauge(scrape(), batchLane) == JOBS);
    assertThat(gauge(scrape(), interactiveLane)).isZero();

    // And once the provider answers, none is waiting
    provider.release();
    await().atMost(Duration.ofSeconds(60)).until(() -> gauge(scrape(), batchLane) == 0);

    // And beside the worker's own, /metrics shows the JVM's and its producer's
    assertThat(scrape())
        .contains(
            "jvm_memory_used_bytes{",
            "jvm_gc_",
            "jvm_threads_live_threads ",
            "process_cpu_usage ",
            "kafka_producer_record_send_total{");
  }

  @Test
  void inConsumerGroupModeTheLagIsTheEndOffsetMinusTheCommittedOne(EmbeddedKafka kafka)
      throws Exception {
    String topic = topics.route("sim");
    String group = topics.prefix() + "group-workers";
    try (Admin admin = kafka.admin()) {
      new TopicProvisioner(2, (short) 1).ensure(admin, List.of(topic));
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", kafka.bootstrapServers()),
              new StringSerializer(),
              new StringSerializer())) {
        for (int i = 0; i < 12; i++) {
          producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "v")).get();
        }
      }
      admin
          .alterConsumerGroupOffsets(
              group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(4)))
          .all()
          .get();
    }

    try (QueueLag lag =
        new QueueLag(
            KafkaClientProperties.bootstrapOnly(kafka.bootstrapServers()),
            group,
            QueueLag.GroupKind.CONSUMER,
            List.of(topic),
            WorkerMetrics.noop())) {
      lag.refresh();

      // partition 0: 6 records, 4 committed; partition 1: 6 records, nothing committed
      assertThat(lag.lag(topic)).isEqualTo(2 + 6);
    }
  }

  private String scrape() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double gauge(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private WorkerApp worker(EmbeddedKafka kafka) {
    ModelCatalog catalog = ModelCatalog.bundled().restrictTo(p -> p.name().equals("sim"));
    CommonConfig common =
        new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(2, (short) 1));
    JobPolicy policy =
        new JobPolicy(
            3,
            new Backoff(Duration.ofMillis(5), Duration.ofMillis(50)),
            Duration.ofHours(1),
            Duration.ofHours(1));
    WorkerConfig.Operations ops =
        new WorkerConfig.Operations(
            BreakerSettings.defaults(),
            Duration.ofMillis(300),
            Duration.ofSeconds(60),
            0,
            Duration.ofSeconds(5));
    WorkerConfig config =
        WorkerConfig.builder(common, catalog, List.of("sim"), topics.prefix() + "workers", policy)
            .consumers(1, 5)
            .operations(ops)
            .build();
    return WorkerApp.start(config, spec -> provider);
  }
}
