package io.promptyard.bench;

import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.provider.SimulatedProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The for-loop Promptyard is compared with: the job set on a Kafka topic, read by one plain
 * consumer that calls the provider for one record at a time, waits out {@code Retry-After} on a 429
 * and tries that record again, and commits after each record.
 */
final class PlainConsumerBaseline {

  private static final String TOPIC = "baseline.jobs";

  private PlainConsumerBaseline() {}

  static VsBaselinesBenchmark.Run run(SimulatedProvider provider, List<String> prompts)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI endpoint = URI.create(provider.baseUrl() + "/chat/completions");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      try (var admin = kafka.admin()) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
      }
      int done = 0;
      int ok = 0;
      long start;
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(
              Map.of(
                  "bootstrap.servers",
                  kafka.bootstrapServers(),
                  "group.id",
                  "plain-baseline",
                  "auto.offset.reset",
                  "earliest",
                  "enable.auto.commit",
                  false),
              new StringDeserializer(),
              new StringDeserializer())) {
        consumer.subscribe(List.of(TOPIC));
        // joined before the clock starts, as Promptyard's consumers are (a running service's would
        // be)
        while (consumer.assignment().isEmpty()) {
          consumer.poll(Duration.ofMillis(100));
        }
        start = System.nanoTime();
        try (KafkaProducer<String, String> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
          for (int i = 0; i < prompts.size(); i++) {
            producer.send(
                new ProducerRecord<>(
                    TOPIC,
                    "job-" + i,
                    VsBaselinesBenchmark.requestBody(prompts.get(i)).toString()));
          }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (done < prompts.size() && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            ok += call(http, endpoint, record.value()) ? 1 : 0;
            done++;
            consumer.commitSync();
          }
        }
      }
      double makespan = (System.nanoTime() - start) / 1e9;
      return new VsBaselinesBenchmark.Run(
          makespan, done, ok, provider.requestsServed(), provider.rateLimitedResponses());
    }
  }

  /** Calls until the provider answers something other than 429; true when it answered 200. */
  private static boolean call(HttpClient http, URI endpoint, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer not-needed")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    while (true) {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 429) {
        return response.statusCode() == 200;
      }
      long seconds = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
      Thread.sleep(Duration.ofSeconds(Math.max(1, seconds)));
    }
  }
}
